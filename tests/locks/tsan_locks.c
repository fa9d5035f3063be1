/*
 * tsan_locks.c - every registered lock at 2 and 4 threads, for
 * `make check-tsan`: built with -fsanitize=thread, any missing
 * happens-before edge between two critical sections shows up as a data race
 * on lockcheck's plain shared counter, and ThreadSanitizer (run with
 * halt_on_error=1) ends the test.
 *
 * The sleeping locks also sleep inside every 16th critical section, so that
 * their waiters really go through FUTEX_WAIT: TSan does not see the futex
 * system call, but every lock re-reads its word with an atomic after the
 * wait returns (locks/futex.h), and the acquire on that re-read is the edge
 * TSan must see. The test fails if one of our sleeping locks never slept.
 *
 * concurrencykit's peer locks (ck-*) are skipped: ck's atomics are
 * inline assembly that TSan cannot see, so every handoff would look like a
 * race. check-tsan configures --without-ck; this is the second guard.
 * Built without TSan it skips: tests/locks/validate checks exclusion anyway.
 * Arguments: optional lock names to check only those (tests/reliability/mutants.sh).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "../lib/lockcheck.h"
#include "../lib/sanitizer.h"
#include "../lib/tap.h"

int main(int argc, char **argv)
{
	static const unsigned thread_counts[] = { 2, 4 };
	int checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!TEST_UNDER_TSAN) {
		/* tests/locks/validate checks exclusion in every build. */
		skip_all("not built with -fsanitize=thread (run 'make check-tsan')");
	}
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		bool own_sleeper = (d->props & LOCK_MAY_SLEEP) && d->family != LOCK_FAMILY_BASELINE;

		if (!lockcheck_named(d->name, argc, argv)) /* lock names given: only those */
			continue;
		if (strncmp(d->name, "ck-", 3) == 0) {
			skip("peer lock with inline-assembly atomics TSan cannot see",
			     "tsan %s", d->name);
			continue;
		}
		checked++;
		for (size_t t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++) {
			struct lockcheck_config cfg = {
				.lock = d,
				.threads = thread_counts[t],
				.permits = 1,
				.seconds = 0.2,
				.max_iterations = 50000,
				.trylock_every = 3,
				.cs_sleep_every = (d->props & LOCK_MAY_SLEEP) ? 16 : 0,
				.cs_sleep_us = 50,
				/* 4 threads oversubscribe 2 CPUs: a FIFO spinlock
				 * whose next holder is preempted crawls, and
				 * few handoffs are few chances for TSan.
				 * Sleeping outside the lock now and then leaves
				 * the CPUs to the queue. */
				.ncs_sleep_every = thread_counts[t] > 2 ? 4 : 0,
				.ncs_sleep_us = 20,
				.watchdog_seconds = 20,
			};
			struct lockcheck_result res;
			lockcheck_run_print(&cfg, &res);
			bool passed = lockcheck_passed(&cfg, &res);
			if (own_sleeper && cfg.threads == 4 && res.futex_sleeps == 0) {
				diag("FAIL %s: never took the futex sleep path (no FUTEX_WAIT "
				     "slept)", d->name);
				passed = false;
			}
			ok(passed, "tsan %s threads=%u", d->name, cfg.threads);
		}
	}
	if (checked == 0)
		bail_out("no lock checked");
	return done_testing();
}
