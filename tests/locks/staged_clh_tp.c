/*
 * staged_clh_tp.c - issue 22, defect 4, staged with clh-tp's schedule
 * points (white box: locks/clh_tp.c compiled in with LOCK_SCHED_POINTS).
 *
 * clh-tp's trylock claims the tail node (RELEASED -> CLAIMED) before it
 * CASes the tail, and gives the node back when that CAS fails. A trylock
 * preempted inside that window must not stop anyone else:
 *   case "arrival": T claims the tail X (the lock is free) and stops; A
 *     locks, queueing behind X. Before the fix A spun until T ran again
 *     (it could neither take the lock nor remove X).
 *   case "owner": T reads the tail X and stops; A locks and unlocks, so A
 *     now owns X; T claims X and stops; A locks again. Before the fix A's
 *     lock() spun on its own claimed node until T ran again.
 * A holds each lock for a moment and returns; the watchdog (10 s; it needs
 * microseconds) turns a wait for T into a failed case. T is let go at the
 * end: its trylock must then fail (the tail moved) and give X back, and
 * both threads take the lock once more.
 */
#define STAGED_LOCK_SOURCE "../../locks/clh_tp.c"
#define STAGED_CRITICAL_SECTION 1
#include "../lib/staged.h"

enum { TAG_T = 1 };

static struct clhtp_lock lk;
static struct clhtp_thread tt, ta;
static _Atomic int t_result, a_rounds, a_target;

static void *t_main(void *arg)
{
	sched_tag(TAG_T);
	bool got = clh_tp_trylock(&lk, &tt);
	if (got) {
		critical_section();
		clh_tp_unlock(&lk, &tt);
	}
	atomic_store(&t_result, got ? 1 : 2);
	return NULL;
}

/* A takes the lock a_target times in all, one at a time as main asks. */
static void *a_main(void *arg)
{
	struct timespec pause = { 0, 100000 };
	for (int r = 1; r <= 3; r++) {
		while (atomic_load(&a_target) < r)
			nanosleep(&pause, NULL);
		clh_tp_lock(&lk, &ta);
		critical_section();
		clh_tp_unlock(&lk, &ta);
		atomic_store(&a_rounds, r);
	}
	return NULL;
}

static bool a_reached(void *n) { return atomic_load(&a_rounds) >= (int)(intptr_t)n; }

static void setup(void)
{
	memset(&lk, 0, sizeof(lk));
	clh_tp_init(&lk, NULL);
	clh_tp_thread_init(&tt);
	clh_tp_thread_init(&ta);
	atomic_store(&t_result, 0);
	atomic_store(&a_rounds, 0);
	atomic_store(&a_target, 0);
}

static void finish(const char *name, pthread_t t, pthread_t a)
{
	sched_release("clh_tp.try.claimed", TAG_T);
	bool t_back = sched_join(t, WATCHDOG_MS);
	ok(t_back && atomic_load(&t_result) == 2,
	   "%s: T's stale trylock then failed (the tail had moved)", name);
	atomic_store(&a_target, 3);
	bool a_back = sched_join(a, WATCHDOG_MS);
	bool t_again = clh_tp_trylock(&lk, &tt);
	if (t_again) {
		critical_section();
		clh_tp_unlock(&lk, &tt);
	}
	ok(a_back && t_again, "%s: both take the lock again afterwards", name);
}

int main(void)
{
	pthread_t t, a;

	setvbuf(stdout, NULL, _IOLBF, 0);

	/* case "arrival" */
	setup();
	sched_arm("clh_tp.try.claimed", TAG_T);
	pthread_create(&t, NULL, t_main, NULL);
	if (!sched_reached("clh_tp.try.claimed", TAG_T, WATCHDOG_MS))
		bail_out("setup: T's trylock never claimed the tail");
	ok(atomic_load(&lk.dummy.status) == CLHTP_CLAIMED,
	   "arrival: T holds its claim on the tail node of the free lock");
	pthread_create(&a, NULL, a_main, NULL);
	atomic_store(&a_target, 1);
	bool a_took = sched_until(a_reached, (void *)1, WATCHDOG_MS);
	ok(a_took, "arrival: A, queued behind the claimed node, took the free lock (%s)",
	   a_took ? "returned" : "hung: watchdog");
	atomic_store(&a_target, 2);
	sched_until(a_reached, (void *)2, WATCHDOG_MS);
	finish("arrival", t, a);

	/* case "owner" */
	setup();
	struct clhtp_qnode *x = atomic_load(&lk.tail);
	sched_arm("clh_tp.try.tail_read", TAG_T);
	pthread_create(&t, NULL, t_main, NULL);
	if (!sched_reached("clh_tp.try.tail_read", TAG_T, WATCHDOG_MS))
		bail_out("setup: T's trylock never read the tail");
	pthread_create(&a, NULL, a_main, NULL);
	atomic_store(&a_target, 1);
	if (!sched_until(a_reached, (void *)1, WATCHDOG_MS) || ta.mine != x)
		bail_out("setup: A does not own the old tail node");
	sched_arm("clh_tp.try.claimed", TAG_T);
	sched_release("clh_tp.try.tail_read", TAG_T);
	if (!sched_reached("clh_tp.try.claimed", TAG_T, WATCHDOG_MS))
		bail_out("setup: T's trylock never claimed A's node");
	ok(atomic_load(&x->status) == CLHTP_CLAIMED, "owner: T holds its claim on A's idle node");
	atomic_store(&a_target, 2);
	bool a_took2 = sched_until(a_reached, (void *)2, WATCHDOG_MS);
	ok(a_took2, "owner: A's lock() with its node claimed took the free lock (%s)",
	   a_took2 ? "returned" : "hung: watchdog");
	finish("owner", t, a);

	ok(atomic_load(&overlaps) == 0, "no two threads held the lock at once (%d overlaps)",
	   atomic_load(&overlaps));
	return done_testing();
}
