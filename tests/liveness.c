/*
 * liveness.c - the sleeping locks (our futex, futex-spin, lll, sem) under
 * oversubscription: 8 and 16 threads on this 2-CPU machine, holders that
 * sometimes sleep inside the critical section (so waiters must sleep too),
 * short sleeps outside it. A watchdog fails the test and prints the lock
 * word if no thread makes progress for 10 s (a lost wake-up). Each lock must
 * also really have taken its futex sleep path (FUTEX_WAIT calls > 0).
 * The time-published queue locks (mcs-tp, clh-tp) run the same scenario
 * without the futex check: they do not sleep, but a preempted or sleeping
 * holder and preempted waiters are exactly what they skip, re-queue and
 * yield for, and a lost or duplicated grant shows as a stall or an overlap.
 * (The FIFO spinlocks are left out: under this load they crawl at a time
 * slice per handoff, which tests/validate's 8-thread run already covers.)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "lockcheck.h"

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
	static const unsigned thread_counts[] = { 8, 16 };
	int failed = 0, checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		bool sleeps = d->props & LOCK_MAY_SLEEP;
		if (!(sleeps || yields_cpu(d)) || (d->props & LOCK_PEER))
			continue;
		checked += sleeps;
		for (size_t t = 0; t < 2; t++) {
			struct lockcheck_config cfg = {
				.lock = d,
				.threads = thread_counts[t],
				.permits = 1,
				.seconds = 0.6,
				.max_iterations = 4000,
				.trylock_every = 5,
				.cs_sleep_every = 8,
				.cs_sleep_us = 50,
				.ncs_sleep_every = 3,
				.ncs_sleep_us = 20,
				.watchdog_seconds = 10,
			};
			struct lockcheck_result res;
			lockcheck_run_print(&cfg, &res);
			if (!lockcheck_passed(&cfg, &res))
				failed = 1;
			if (sleeps && res.futex_waits == 0) {
				printf("FAIL %s: the futex sleep path was never taken\n", d->name);
				failed = 1;
			}
		}
	}
	if (checked < 4) {
		printf("FAIL: expected at least 4 sleeping locks, found %d\n", checked);
		failed = 1;
	}
	printf("%s: %d sleeping locks\n", failed ? "FAIL" : "PASS", checked);
	return failed;
}
