/*
 * staged_clh.c - issue 22, defect 2, staged with clh's schedule points
 * (white box: locks/clh.c compiled in with LOCK_SCHED_POINTS).
 *
 * Two trylocks hit the recycled-node race (ABA) on one node X, and one of
 * them undoes its queueing after the other abandoned X. The schedule (X is
 * the lock's dummy, the first tail):
 *   1. B's trylock sees X at the tail, released, and stops before its CAS.
 *   2. C locks and unlocks (C now owns X); D locks, unlocks and locks
 *      again, so that C's old node NC is the tail again, held by D.
 *   3. C's trylock, queueing X, sees NC released before D's second lock,
 *      CASes the tail NC -> X after it (ABA) and stops.
 *   4. B's CAS X -> NB succeeds; B sees X locked and stops before it leaves.
 *   5. C sees NC locked; its undo CAS fails (the tail is NB), so it leaves X
 *      to its successor (X->locked = NC) and fails.
 *   6. B leaves: before the fix its CAS NB -> X put the abandoned X back at
 *      the tail, with nobody to skip it.
 *   7. D unlocks: the lock is free. The checks: a trylock then succeeds, C's
 *      next lock() returns (before the fix it waited for X for ever: a hang
 *      is caught by the watchdog, 10 s, as a failed case), and no two
 *      threads held the lock at once.
 */
#define STAGED_LOCK_SOURCE "../../locks/clh.c"
#define STAGED_CRITICAL_SECTION 1
#include "../lib/staged.h"

enum { TAG_B = 1, TAG_C = 2 };

static struct clh_lock lk;
static struct clh_thread tb, tc, td, te;
static _Atomic int b_result = -1, c_result = -1, d_holding, d_release, c_go, c_done;

static bool flag_set(void *f) { return atomic_load((_Atomic int *)f) > 0; }
static bool result_set(void *f) { return atomic_load((_Atomic int *)f) >= 0; }

static void *b_main(void *arg)
{
	sched_tag(TAG_B);
	bool got = clh_trylock(&lk, &tb);
	if (got) {
		critical_section();
		clh_unlock(&lk, &tb);
	}
	atomic_store(&b_result, got);
	return NULL;
}

static void *c_main(void *arg)
{
	sched_tag(TAG_C);
	clh_lock(&lk, &tc);
	critical_section();
	clh_unlock(&lk, &tc); /* C now queues with X */
	atomic_store(&c_done, 1);
	while (!atomic_load(&c_go))
		sched_until(flag_set, &c_go, 1000);
	bool got = clh_trylock(&lk, &tc);
	if (got) {
		critical_section();
		clh_unlock(&lk, &tc);
	}
	atomic_store(&c_result, got);
	while (atomic_load(&c_go) < 2)
		sched_until(flag_set, &c_go, 1000);
	clh_lock(&lk, &tc); /* needs X back */
	critical_section();
	clh_unlock(&lk, &tc);
	atomic_store(&c_done, 2);
	return NULL;
}

static void *d_main(void *arg)
{
	clh_lock(&lk, &td);
	critical_section();
	clh_unlock(&lk, &td);
	clh_lock(&lk, &td); /* requeues C's old node NC, held */
	atomic_store(&d_holding, 1);
	while (!atomic_load(&d_release))
		sched_until(flag_set, &d_release, 1000);
	critical_section();
	clh_unlock(&lk, &td);
	return NULL;
}

static bool c_done_1(void *arg) { return atomic_load(&c_done) >= 1; }

int main(void)
{
	pthread_t b, c, d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	clh_init(&lk, NULL);
	clh_thread_init(&tb);
	clh_thread_init(&tc);
	clh_thread_init(&td);
	clh_thread_init(&te);
	struct clh_qnode *x = &lk.dummy, *nc = tc.mine;

	sched_arm("clh.try.before_cas", TAG_B);
	pthread_create(&b, NULL, b_main, NULL);
	if (!sched_reached("clh.try.before_cas", TAG_B, WATCHDOG_MS))
		bail_out("setup: B's trylock never reached its CAS");
	pthread_create(&c, NULL, c_main, NULL);
	if (!sched_until(c_done_1, NULL, WATCHDOG_MS) || tc.mine != x)
		bail_out("setup: C did not end up owning X");
	sched_arm("clh.try.before_cas", TAG_C);
	sched_arm("clh.try.queued", TAG_C);
	atomic_store(&c_go, 1);
	if (!sched_reached("clh.try.before_cas", TAG_C, WATCHDOG_MS))
		bail_out("setup: C's trylock never reached its CAS");
	pthread_create(&d, NULL, d_main, NULL);
	if (!sched_until(flag_set, &d_holding, WATCHDOG_MS) || atomic_load(&lk.tail) != nc)
		bail_out("setup: D does not hold the lock on C's old node");
	sched_release("clh.try.before_cas", TAG_C);
	bool c_queued = sched_reached("clh.try.queued", TAG_C, WATCHDOG_MS);
	ok(c_queued && atomic_load(&lk.tail) == x,
	   "C's trylock queued X behind D's node NC (the recycled-node race)");
	sched_arm("clh.try.undo", TAG_B);
	sched_release("clh.try.before_cas", TAG_B);
	bool b_undoing = sched_reached("clh.try.undo", TAG_B, WATCHDOG_MS);
	ok(b_undoing && atomic_load(&lk.tail) == tb.mine,
	   "B's trylock queued behind X (the same race) and is about to leave");
	sched_release("clh.try.queued", TAG_C);
	bool c_failed = sched_until(result_set, &c_result, WATCHDOG_MS) &&
			atomic_load(&c_result) == 0;
	ok(c_failed, "C's trylock failed while D held the lock");
	sched_release("clh.try.undo", TAG_B);
	bool b_back = sched_join(b, WATCHDOG_MS);
	ok(b_back && atomic_load(&b_result) == 0, "B's trylock failed while D held the lock");

	atomic_store(&d_release, 1);
	bool d_back = sched_join(d, WATCHDOG_MS);
	ok(d_back, "D released the lock");
	/* The lock is free now: a trylock by a fourth node must succeed. */
	int tries = 0;
	bool got = false;
	while (!got && tries < 100) {
		got = clh_trylock(&lk, &te);
		tries++;
	}
	if (got) {
		critical_section();
		clh_unlock(&lk, &te);
	}
	char state[64];
	snprintf(state, sizeof(state), "tail %s, its word %#lx",
		 atomic_load(&lk.tail) == x ? "X" : "not X",
		 (unsigned long)atomic_load(&atomic_load(&lk.tail)->locked));
	ok(got, "a trylock on the free lock succeeded (after %d tries; %s)", tries, state);
	atomic_store(&c_go, 2);
	bool c_back = sched_join(c, WATCHDOG_MS);
	ok(c_back && atomic_load(&c_done) == 2, "C's next lock() took the lock (%s)",
	   c_back ? "returned" : "hung: watchdog");
	ok(atomic_load(&overlaps) == 0, "no two threads held the lock at once (%d overlaps)",
	   atomic_load(&overlaps));
	return done_testing();
}
