/*
 * staged_malthusian.c - issue 22, defect 1, staged with the lock's schedule
 * points (white box: locks/malthusian.c compiled in with LOCK_SCHED_POINTS).
 *
 * A release that finds MAL_HEAD_SLEEPS reads head, clears the mark and
 * wakes that head. The mark may be stale: left by a head that the bypass
 * limit then granted the lock. The schedule:
 *   1. H sleeps as the only waiter (word = LOCKED | HEAD_SLEEPS); main's
 *      release is the MAL_BYPASS_LIMIT-th (bypass set by hand): it takes H
 *      out of the queue (head = NULL) and grants it; the mark stays.
 *   2. H releases: the CAS to FREE fails on its own stale mark; H reads
 *      head (NULL) and stops at "malthusian.unlock.head_read".
 *   3. A arrives, finds the queue empty, becomes head, runs out of its
 *      budget (1), marks and stops at "malthusian.head.marked", just before
 *      it sleeps; we let it sleep.
 *   4. H goes on. Before the fix it overwrote A's mark with a relaxed store,
 *      saw head == NULL and freed the word: A asleep as head on a free lock,
 *      for ever. The check: A takes the lock and returns within the
 *      watchdog's 10 s (it needs microseconds): a hang is a failed case.
 */
#define STAGED_LOCK_SOURCE "../../locks/malthusian.c"
#include "../lib/staged.h"

enum { TAG_H = 1, TAG_A = 2 };

static struct malthusian_lock lk;
static struct park_node node_h, node_a, node_main;
static _Atomic int a_done, h_done;

static bool h_asleep(void *arg)
{
	return atomic_load(&lk.word) == (MAL_LOCKED | MAL_HEAD_SLEEPS) &&
	       atomic_load(&node_h.state) == PARK_PARKED;
}

static void *h_main(void *arg)
{
	sched_tag(TAG_H);
	malthusian_lock(&lk, &node_h);
	malthusian_unlock(&lk, &node_h); /* stops at unlock.head_read */
	atomic_store(&h_done, 1);
	return NULL;
}

static void *a_main(void *arg)
{
	sched_tag(TAG_A);
	malthusian_lock(&lk, &node_a); /* stops at head.marked, then sleeps */
	malthusian_unlock(&lk, &node_a);
	atomic_store(&a_done, 1);
	return NULL;
}

int main(void)
{
	struct lock_params p = { .permits = 1, .spin_budget = 1 };
	pthread_t h, a;
	char state[160];

	setvbuf(stdout, NULL, _IOLBF, 0);
	malthusian_init(&lk, &p);
	malthusian_lock(&lk, &node_main);

	sched_arm("malthusian.unlock.head_read", TAG_H);
	pthread_create(&h, NULL, h_main, NULL);
	if (!sched_until(h_asleep, NULL, WATCHDOG_MS))
		bail_out("setup: H never went to sleep as head");
	/* Our release is the one that reaches the bypass limit. */
	atomic_store(&lk.bypass, MAL_BYPASS_LIMIT - 1);
	malthusian_unlock(&lk, &node_main);
	ok(atomic_load(&lk.head) == NULL && atomic_load(&lk.tail) == NULL &&
	   atomic_load(&lk.word) == (MAL_LOCKED | MAL_HEAD_SLEEPS),
	   "setup: the bypass limit granted the sleeping head; the queue is empty, "
	   "the mark stays");

	bool h_stopped = sched_reached("malthusian.unlock.head_read", TAG_H, WATCHDOG_MS);
	ok(h_stopped, "H's release stopped between its read of head and its use of it");

	sched_arm("malthusian.head.marked", TAG_A);
	pthread_create(&a, NULL, a_main, NULL);
	bool a_marked = sched_reached("malthusian.head.marked", TAG_A, WATCHDOG_MS);
	ok(a_marked, "A became head, marked MAL_HEAD_SLEEPS and is about to sleep");
	sched_release("malthusian.head.marked", TAG_A);
	sched_release("malthusian.unlock.head_read", TAG_H);

	bool h_back = sched_join(h, WATCHDOG_MS);
	bool a_back = sched_join(a, WATCHDOG_MS);
	malthusian_describe(&lk, state, sizeof(state));
	if (!a_back)
		diag("A still waits: %s, A's state %u", state,
		     (unsigned)atomic_load(&node_a.state));
	ok(h_back, "H's release returned");
	ok(a_back && atomic_load(&a_done),
	   "A, left asleep as head by a stale mark, was woken and took the lock (%s)",
	   a_back ? "returned" : "hung: watchdog");
	ok(atomic_load(&lk.word) == MAL_FREE || !a_back, "the lock is free at the end (%s)", state);
	/* A hung thread is not joined: exit() ends it with the process. */
	return done_testing();
}
