/*
 * malthusian_pick.c - malthusian's promotion, white box (locks/malthusian.c
 * compiled in), one thread, queues built by hand.
 *
 * A promotion picks the next head on another CPU than the new holder's
 * when the queue has one that is not its tail, and otherwise takes the
 * first in line. Then a rotation as 8 threads pinned 4 to each of 2 CPUs
 * make it under oversubscription: each turn's head becomes the holder and
 * promotes the next, and the holder before it queues again at the tail.
 * The queue starts in runs of one CPU (as arrival order leaves it); the
 * holders must come to alternate between the CPUs, so that each turn's head
 * can spin on the CPU the holder does not use, every thread must hold the
 * lock equally often, and no thread may wait longer than the bound the
 * lock's header states (2k + 1 promotions with k threads ahead of it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#define LOCK_NO_HOT_LOOP 1
#include "../lib/tap.h"
#include "../../locks/malthusian.c"

/* Defined by locks/registry.c in the library, which this test does not
 * link: it has its own copy of malthusian. */
_Thread_local struct lock_stats lock_thread_stats;

#define N 8
#define ROUNDS 800

static struct malthusian_lock lk;
static struct park_node nodes[N];

/* What malthusian_lock() does to queue a node, without the waiting. */
static void enqueue(struct park_node *n, int cpu)
{
	atomic_store(&n->next, NULL);
	atomic_store(&n->state, PARK_WAIT);
	atomic_store(&n->cpu, cpu);
	struct park_node *pred = atomic_exchange(&lk.tail, n);
	if (pred == NULL) {
		atomic_store(&n->state, PARK_HEAD);
		atomic_store(&lk.head, n);
	} else {
		atomic_store(&pred->next, n);
	}
}

static int idx(struct park_node *n) { return n == NULL ? -1 : (int)(n - nodes); }

/* The queue from head, as node numbers, into out (at most N); its length. */
static int order(int *out)
{
	int k = 0;
	for (struct park_node *n = atomic_load(&lk.head); n != NULL && k < N; n = atomic_load(&n->next))
		out[k++] = idx(n);
	return k;
}

static void reset(void)
{
	malthusian_init(&lk, NULL);
	memset(nodes, 0, sizeof nodes);
}

/* Queue nodes 0..n-1 on the CPUs given (1-based, as park_cpu()), make
 * node 0 the holder (it leaves the queue), and check the head it
 * promotes and the queue behind it. */
static void pick_case(const char *what, int n, const int *cpus, int want_head,
		      const int *want_order)
{
	int got[N], k;

	reset();
	for (int i = 0; i < n; i++)
		enqueue(&nodes[i], cpus[i]);
	(void)malthusian_leave_queue(&lk, &nodes[0]);
	k = order(got);
	bool same = k == n - 1;
	for (int i = 0; same && i < k; i++)
		same = got[i] == want_order[i];
	ok(idx(atomic_load(&lk.head)) == want_head && same, "%s: head %d (want %d)", what,
	   idx(atomic_load(&lk.head)), want_head);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The holder (node 0) runs on CPU 1. */
	pick_case("next on another CPU: taken as it is", 3, (int[]){1, 2, 1}, 1, (int[]){1, 2});
	pick_case("next on the holder's CPU, the one after on another: moved first", 4,
		  (int[]){1, 1, 2, 1}, 2, (int[]){2, 1, 3});
	pick_case("the first on another CPU further back: moved first, the rest in order", 6,
		  (int[]){1, 1, 1, 2, 2, 1}, 3, (int[]){3, 1, 2, 4, 5});
	pick_case("the only one on another CPU is the tail: not moved", 4, (int[]){1, 1, 1, 2}, 1,
		  (int[]){1, 2, 3});
	pick_case("every waiter on the holder's CPU: FIFO", 4, (int[]){1, 1, 1, 1}, 1,
		  (int[]){1, 2, 3});
	pick_case("holder's CPU unknown: FIFO", 4, (int[]){0, 1, 2, 1}, 1, (int[]){1, 2, 3});

	/* The rotation. */
	reset();
	/* queued_at: the round after whose promotion the node queued (0:
	 * before the first); ahead: how many waited in front of it then. */
	int cpu_of[N], holds[N] = {0}, queued_at[N], ahead[N], longest = 0, excess = -N;
	for (int i = 0; i < N; i++) {
		cpu_of[i] = i < N / 2 ? 1 : 2; /* runs of one CPU */
		queued_at[i] = 0;
		ahead[i] = i;
		enqueue(&nodes[i], cpu_of[i]);
	}
	int prev = -1, alternations = 0, counted = 0;
	for (int r = 1; r <= ROUNDS; r++) {
		int h = idx(atomic_load(&lk.head));
		/* Promotions since it queued, the last of which made it head
		 * (those of rounds queued_at + 1 .. r - 1), against the bound. */
		int waited = r - 1 - queued_at[h], over = waited - (2 * ahead[h] + 1);
		longest = waited > longest ? waited : longest;
		excess = over > excess ? over : excess;
		(void)malthusian_leave_queue(&lk, &nodes[h]);
		holds[h]++;
		if (prev >= 0) {
			/* The holder before queues again behind everybody. */
			int q[N];
			ahead[prev] = order(q);
			queued_at[prev] = r;
			enqueue(&nodes[prev], cpu_of[prev]);
		}
		if (r > 4 * N && prev >= 0) {
			counted++;
			alternations += cpu_of[h] != cpu_of[prev];
		}
		prev = h;
	}
	ok(alternations == counted, "rotation: %d of %d turns after the first %d went to the other CPU",
	   alternations, counted, 4 * N);
	int lo = holds[0], hi = holds[0];
	for (int i = 1; i < N; i++) {
		lo = holds[i] < lo ? holds[i] : lo;
		hi = holds[i] > hi ? holds[i] : hi;
	}
	ok(hi - lo <= 1 && excess <= 0,
	   "rotation: each thread held the lock %d-%d times in %d turns; longest wait %d promotions, "
	   "%d over the bound of 2k + 1 at worst", lo, hi, ROUNDS, longest, excess);
	return done_testing();
}
