/*
 * placement.h - where a repeat's threads and memory really were, recorded
 * from inside the run so that a results file can be checked against the
 * plan it claims (make check-machines does, on emulated multi-node
 * machines; see tests/machines/).
 *
 * The plan says where each thread should run (the pin policy's CPU) and
 * where memory should be (the --mem policy); these records say where the
 * kernel actually put them:
 *   - CPU samples of each worker: the CPU it ran on when the window began
 *     (sched_getcpu by the worker), while the window still ran (the
 *     controller's read of the thread's /proc "processor" field before it
 *     stops the window), and when the worker saw the stop;
 *   - the NUMA node of each worker's own state page (move_pages(2) with
 *     no target: a query) next to the node of the CPU it was planned on,
 *     where first touch by the pinned worker should have put it;
 *   - the node of the lock's page and the memory policy the kernel holds
 *     for it (get_mempolicy(2) with MPOL_F_ADDR), next to the node the
 *     harness asked for.
 * None of it is taken inside the measured loop: a vDSO call at each edge
 * of the window per worker, and system calls outside the window.
 */
#ifndef CONTEND_PLACEMENT_H
#define CONTEND_PLACEMENT_H

#include <sys/types.h>

#define PLACEMENT_MAX_NODES 64

/* The worker writes cpu_window_start and cpu_stop, the controller
 * cpu_window_mid: separate fields, as the two run at the same time. */
struct placement_thread {
	int cpu_window_start; /* CPU when the worker saw the window open */
	int cpu_window_mid;   /* CPU it last ran on before the window closed */
	int cpu_stop;         /* CPU when the worker saw the stop */
	int cpu_node;     /* node of the planned CPU (-1: unpinned or unknown) */
	int data_node;    /* node of the worker's state page, -1 unknown */
};

struct placement_shared {
	int node_asked;   /* node the harness bound the shared memory to;
			   * -1 for interleave or when not applied */
	int lock_node;    /* node of the lock's page, -1 unknown */
	char policy[16];  /* kernel's policy for the page: "bind",
			   * "interleave", "preferred", "local", "default",
			   * "" unknown */
	int nnodes;       /* nodes of the policy's node mask */
	int nodes[PLACEMENT_MAX_NODES];
};

/* Reset a record: no sample, nodes unknown. */
void placement_thread_init(struct placement_thread *p, int planned_cpu);
/* Sample slots are -1 until taken (and when the kernel cannot say). */
/* The calling thread's current CPU (sched_getcpu), -1 unknown. */
int placement_self_cpu(void);
/* The CPU thread tid of this process last ran on (/proc), -1 unknown. */
int placement_task_cpu(pid_t tid);
/* Node of the page holding addr (a query: nothing moves), -1 unknown. */
int placement_page_node(const void *addr);
/* Fill *out for the shared allocation whose lock is at lock_addr. */
void placement_query_shared(const void *lock_addr, int node_asked,
			    struct placement_shared *out);

#endif
