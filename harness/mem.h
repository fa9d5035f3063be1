/*
 * mem.h - where the harness's memory lives (libnuma).
 *
 * Shared data (the locks, the shared cache lines the critical section
 * writes) is placed by policy:
 *   local       on the NUMA node of thread 0's CPU
 *   interleave  page by page across every node the process may use
 *   node:N      on node N
 * On a machine with one node (or without kernel NUMA support) the memory is
 * still allocated and the placement info says why no placement was applied;
 * the results metadata carries that note.
 *
 * Per-thread data is allocated by its own pinned thread (mem_alloc_local),
 * on fresh pages, so the kernel's first-touch rule puts it on that thread's
 * node and no two threads' data share a page or a cache line.
 */
#ifndef CONTEND_MEM_H
#define CONTEND_MEM_H

#include <stdbool.h>
#include <stddef.h>

enum mem_policy_kind {
	MEM_LOCAL,
	MEM_INTERLEAVE,
	MEM_NODE,
};

struct mem_policy {
	enum mem_policy_kind kind;
	int node;		/* MEM_NODE only */
};

/* What mem_alloc_shared did, for the results metadata (meta.numa). */
struct mem_placement_info {
	int nodes;		/* NUMA nodes the process may place memory on */
	char policy[32];	/* "local", "interleave" or "node:N" */
	bool applied;		/* the policy was given to the kernel (mbind) */
	int node;		/* target node: local / node:N; -1 for interleave
				 * or when not applied */
	int first_page_node;	/* node the first page landed on, -1 unknown */
	/* Why placement was not applied, or why the allocation failed; ""
	 * when placement was applied without remark (report null then). */
	char note[160];
};

/*
 * Parse "local", "interleave" or "node:N". node:N must be a node of this
 * machine that the process may use. Returns 0, or -1 with a one-line message
 * naming --mem and the value: "--mem: node 3 does not exist (nodes 0-0)".
 */
int mem_policy_parse(const char *s, struct mem_policy *out, char *err, size_t errlen);
/* The policy as its command-line spelling, into buf. */
void mem_policy_format(const struct mem_policy *p, char *buf, size_t len);
/* NUMA nodes the process may place memory on (1 without kernel NUMA). */
int mem_numa_nodes(void);

/*
 * Allocate size bytes of zeroed, page-aligned memory shared by all threads,
 * placed by policy (thread0_cpu: thread 0's planned CPU for `local`; -1 =
 * unpinned, then the node of the calling thread's current CPU) and touched
 * page by page so the placement happens now, not inside the measurement.
 * Fills info (may be NULL). Returns NULL on failure with the reason in
 * info->note: a placement the kernel refuses is a failure, not a warning.
 */
void *mem_alloc_shared(size_t size, const struct mem_policy *policy, int thread0_cpu,
		       struct mem_placement_info *info);
void mem_free_shared(void *p, size_t size);

/*
 * Per-thread data: call from the pinned thread that will use it. Returns
 * zeroed memory aligned to align (a power of two; 0 = page size) on pages
 * of its own, first touched by the caller, or NULL (errno set).
 */
void *mem_alloc_local(size_t size, size_t align);
void mem_free_local(void *p, size_t size);

#endif
