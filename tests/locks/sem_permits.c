/*
 * sem_permits.c - counting locks with K = 2 and 3 permits: never more than K
 * holders, K holders really admitted at once (a K-semaphore that behaved as
 * a mutex would fail), and exactly K permits left at the end (no post lost
 * or duplicated).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>

#include "../lib/lockcheck.h"
#include "../lib/tap.h"

int main(void)
{
	int checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		if (!(d->props & LOCK_COUNTING))
			continue;
		checked++;
		for (unsigned k = 2; k <= 3; k++) {
			struct lockcheck_config cfg = {
				.lock = d,
				.threads = 8,
				.permits = k,
				.seconds = 0.5,
				.max_iterations = 3000,
				.trylock_every = 4,
				.cs_sleep_every = 2,
				.cs_sleep_us = 100,
				.watchdog_seconds = 10,
			};
			struct lockcheck_result res;
			lockcheck_run_print(&cfg, &res);
			bool passed = lockcheck_passed(&cfg, &res);
			if (res.max_occupancy != k) {
				diag("FAIL %s K=%u: at most %u holders were seen at once",
				     d->name, k, res.max_occupancy);
				passed = false;
			}
			ok(passed, "permits %s K=%u threads=8", d->name, k);
		}
	}
	if (checked == 0)
		ok(0, "a counting lock in the registry");
	return done_testing();
}
