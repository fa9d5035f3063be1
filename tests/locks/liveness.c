/*
 * liveness.c - the sleeping locks (our futex, futex-spin, lll, sem, and any
 * later lock marked LOCK_MAY_SLEEP that is not a peer) must never leave a
 * waiter asleep while the lock is free.
 *
 * 1. The handoff check (lockcheck_handoff()): a holder makes one waiter go
 *    to sleep, releases, and stays away; the waiter must get the lock
 *    within 2 s. Its FUTEX_WAIT must have really slept (futex_sleeps, not
 *    an EAGAIN that returned at once) in at least one round, or the check
 *    proved nothing.
 * 2. Oversubscription: 8 and 16 threads on this 2-CPU machine, holders that
 *    sometimes sleep inside the critical section (so waiters must sleep
 *    too), short sleeps outside it. A watchdog fails the test and prints the
 *    lock word if no thread makes progress for 10 s. Each lock must really
 *    have slept (futex_sleeps > 0). This part finds a lost wake-up only when
 *    nothing comes after it: under contention the next unlock's wake
 *    rescues the forgotten sleeper, which is why part 1 exists.
 *
 * 3. The time-published queue locks (mcs-tp, clh-tp) run part 2 without the
 *    sleep checks: they do not sleep, but a preempted or sleeping holder and
 *    preempted waiters are exactly what they skip, re-queue and yield for,
 *    and a lost or duplicated grant shows as a stall or an overlap. (The
 *    FIFO spinlocks are left out: under this load they crawl at a time
 *    slice per handoff, which tests/locks/validate's 8-thread run already covers.)
 *
 * Built twice: tests/locks/liveness checks the registry; tests/locks/liveness_lossy
 * (LIVENESS_NEGATIVE_CONTROL) runs the same checks on a lock that drops one
 * wake in five and fails if they pass it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "../lib/lockcheck.h"
#include "../lib/tap.h"
#include "../lib/lossy_lock.h"

/* Part 1: 0 when a waiter put to sleep is always woken for a free lock. */
static int handoff_check(const struct lock_desc *d)
{
	struct lockcheck_handoff_result h;

	if (lockcheck_handoff(d, 20, &h) != 0)
		return 1;
	if (h.lost_wakeup) {
		diag("FAIL %s: lost wake-up: round %u, the waiter still slept %.1f s after "
		     "the only other thread released the lock", d->name, h.rounds, h.max_gap_s);
		return 1;
	}
	if (h.slept_rounds == 0) {
		diag("FAIL %s: handoff: the waiter never really slept in %u rounds "
		     "(holding %d us was not enough to make it sleep)",
		     d->name, h.rounds, LOCKCHECK_HANDOFF_HOLD_US);
		return 1;
	}
	diag("pass %-17s handoff: %u rounds, waiter slept in %u, woken within %.1f ms",
	     d->name, h.rounds, h.slept_rounds, h.max_gap_s * 1e3);
	return 0;
}

/* 0 when the lock passed every check; a lock that never sleeps (sleeps
 * false) runs the oversubscribed part only. */
static int liveness_check(const struct lock_desc *d, bool sleeps)
{
	static const unsigned thread_counts[] = { 8, 16 };
	int failed = 0;

	if (sleeps && handoff_check(d) != 0)
		return 1;
	for (size_t t = 0; t < 2; t++) {
		struct lockcheck_config cfg = {
			.lock = d,
			.threads = thread_counts[t],
			.permits = 1,
			.seconds = 0.6,
			.max_iterations = 4000,
			LOCKCHECK_SLEEPY_WORKLOAD,
		};
		struct lockcheck_result res;
		lockcheck_run_print(&cfg, &res);
		if (!lockcheck_passed(&cfg, &res))
			failed = 1;
		if (sleeps && res.futex_sleeps == 0) {
			diag("FAIL %s: the futex sleep path was never taken (%llu FUTEX_WAITs, "
			     "none slept)", d->name, (unsigned long long)res.futex_waits);
			failed = 1;
		}
	}
	return failed;
}

#ifdef LIVENESS_NEGATIVE_CONTROL
int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The case passes when the lossy lock FAILS the checks. */
	ok(liveness_check(&lock_desc_lossy, true) != 0,
	   "liveness checks catch a lock that drops 1 wake in 5");
	return done_testing();
}
#else
/* Spinning locks built to survive preemption: they give the CPU away with
 * sched_yield() and re-queue waiters that look preempted. */
static bool yields_cpu(const struct lock_desc *d)
{
	static const char *const names[] = { "mcs-tp", "clh-tp" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(d->name, names[i]) == 0)
			return true;
	return false;
}

int main(void)
{
	int checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		bool sleeps = d->props & LOCK_MAY_SLEEP;
		if (!(sleeps || yields_cpu(d)) || (d->props & LOCK_PEER))
			continue;
		checked += sleeps;
		ok(liveness_check(d, sleeps) == 0, "liveness %s (%s)", d->name,
		   sleeps ? "handoff, 8 and 16 threads" : "8 and 16 threads");
	}
	ok(checked >= 4, "at least 4 sleeping locks checked (%d)", checked);
	return done_testing();
}
#endif
