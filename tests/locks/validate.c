/*
 * validate.c - every lock of the registry is a lock: 1, 2, 4 and 8 threads
 * (8 oversubscribes this 2-CPU machine), lock() alternated with trylock(),
 * mutual exclusion checked in every critical section, exact totals.
 * Arguments: optional lock names to check only those.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../lib/lockcheck.h"
#include "../lib/tap.h"

/* One case per lock and thread count: "validate mcs-tp threads=2". */
static void check_lock(const struct lock_desc *d)
{
	static const unsigned thread_counts[] = { 1, 2, 4, 8 };

	for (size_t i = 0; i < sizeof(thread_counts) / sizeof(thread_counts[0]); i++) {
		struct lockcheck_config cfg = {
			.lock = d,
			.threads = thread_counts[i],
			.permits = 1,
			.seconds = 0.25,
			.max_iterations = 200000,
			.trylock_every = 3,
			.watchdog_seconds = 10,
		};
		struct lockcheck_result res;
		lockcheck_run_print(&cfg, &res);
		bool passed = lockcheck_passed(&cfg, &res);
		/* Alone, a trylock of a free lock must never fail. */
		if (cfg.threads == 1 && res.trylock_failures != 0) {
			diag("FAIL %s: trylock failed on a free lock (%llu times)",
			     d->name, (unsigned long long)res.trylock_failures);
			passed = false;
		}
		ok(passed, "validate %s threads=%u", d->name, cfg.threads);
	}
}

int main(int argc, char **argv)
{
	int checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		if (!lockcheck_named(d->name, argc, argv))
			continue;
		check_lock(d);
		checked++;
	}
	if (checked == 0)
		bail_out("no lock matched");
	diag("%d locks checked", checked);
	return done_testing();
}
