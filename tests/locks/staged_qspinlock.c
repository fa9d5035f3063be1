/*
 * staged_qspinlock.c - issue 22, defect 3, staged (white box:
 * locks/qspinlock.c compiled in).
 *
 * A thread's queue slot goes back to the free list in its thread-exit
 * destructor. A later destructor of the same exiting thread (another
 * library's TSD destructor) may take a contended substituted qspinlock.
 * The schedule:
 *   1. main holds the lock; P waits on the pending bit.
 *   2. T exits: the qspinlock destructor returns T's slot s; then T's own
 *      destructor (a later key) waits for us.
 *   3. N queues: it takes slot s from the free list (tail = s).
 *   4. T's destructor takes the lock (it stops at "qspinlock.slow.joined"
 *      once it waits, and only then does main release). Before the fix it queued with slot s
 *      again (its thread-local slot number was never reset): it overwrote
 *      N's node pointer, found itself as its own predecessor and waited for
 *      a link that never came. The check: every thread takes the lock in
 *      turn (a plain counter, an owner flag) and returns within the
 *      watchdog's 10 s (it needs milliseconds): a hang is a failed case.
 */
#define STAGED_LOCK_SOURCE "../../locks/qspinlock.c"
#define STAGED_CRITICAL_SECTION 1
#include "../lib/staged.h"

static struct qs_lock lk;
static struct qs_node node_p, node_n, node_t;
static pthread_key_t late_key;
static _Atomic uint32_t t_slot;
static _Atomic int t_in_dtor, t_go, t_done;

static void locked_section(struct qs_node *n)
{
	qspinlock_lock(&lk, n);
	critical_section();
	qspinlock_unlock(&lk, n);
}

static bool flag_set(void *f) { return atomic_load((_Atomic int *)f) != 0; }

/* The destructor of a key created after qspinlock's: glibc runs the
 * destructors of one round in key order, so qs_slot_put() has run. */
static void late_destructor(void *value)
{
	sched_tag(1);
	atomic_store(&t_in_dtor, 1);
	while (!atomic_load(&t_go))
		sched_until(flag_set, &t_go, 1000);
	locked_section(&node_t);
	atomic_store(&t_done, 1);
}

static void *t_main(void *arg)
{
	atomic_store(&t_slot, qs_slot_get());
	pthread_setspecific(late_key, &node_t);
	return NULL;
}

static void *p_main(void *arg)
{
	locked_section(&node_p);
	return NULL;
}

static void *n_main(void *arg)
{
	locked_section(&node_n);
	return NULL;
}

static bool pending_set(void *arg) { return atomic_load(&lk.val) & QS_PENDING; }

static bool tail_is_t_slot(void *arg)
{
	return (atomic_load(&lk.val) >> QS_TAIL_SHIFT) == atomic_load(&t_slot);
}

int main(void)
{
	pthread_t t, p, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qspinlock_init(&lk, NULL);
	pthread_once(&qs_key_once, qs_key_create);
	if (!qs_key_ok || pthread_key_create(&late_key, late_destructor) != 0)
		bail_out("setup: pthread_key_create failed");

	qspinlock_lock(&lk, NULL); /* the fast path: no node needed */
	pthread_create(&p, NULL, p_main, NULL);
	if (!sched_until(pending_set, NULL, WATCHDOG_MS))
		bail_out("setup: P never took the pending bit");
	pthread_create(&t, NULL, t_main, NULL);
	bool in_dtor = sched_until(flag_set, &t_in_dtor, WATCHDOG_MS);
	ok(in_dtor && atomic_load(&t_slot) != 0,
	   "T exited with slot %u and runs a later destructor",
	   (unsigned)atomic_load(&t_slot));
	pthread_create(&n, NULL, n_main, NULL);
	bool n_queued = sched_until(tail_is_t_slot, NULL, WATCHDOG_MS);
	ok(n_queued, "N queued with the slot T's exit returned (tail slot %u)",
	   (unsigned)(atomic_load(&lk.val) >> QS_TAIL_SHIFT));
	sched_arm("qspinlock.slow.joined", 1);
	atomic_store(&t_go, 1);
	/* T's destructor has chosen how it waits (queued, or spinning
	 * without a slot) once it stops here. */
	ok(sched_reached("qspinlock.slow.joined", 1, WATCHDOG_MS),
	   "T's destructor waits for the lock");
	sched_release("qspinlock.slow.joined", 1);
	critical_section();
	qspinlock_unlock(&lk, NULL);

	bool p_back = sched_join(p, WATCHDOG_MS);
	bool n_back = sched_join(n, WATCHDOG_MS);
	bool t_back = sched_join(t, WATCHDOG_MS);
	char state[96];
	qspinlock_describe(&lk, state, sizeof(state));
	ok(p_back && n_back, "P (pending) and N (queued) took the lock and returned");
	ok(t_back && atomic_load(&t_done),
	   "T's late destructor took the contended lock and returned (%s; %s)",
	   t_back ? "returned" : "hung: watchdog", state);
	ok(atomic_load(&overlaps) == 0, "no two threads held the lock at once (%d overlaps)",
	   atomic_load(&overlaps));
	if (p_back && n_back && t_back)
		ok(counter == 4, "4 critical sections counted (%ld)", counter);
	return done_testing();
}
