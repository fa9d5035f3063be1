/*
 * negative_control.c - the validation must catch the deliberately broken
 * lock, at 2 and 4 threads, in every run: this test FAILS if the broken
 * lock passes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include "broken_lock.h"
#include "lockcheck.h"

int main(void)
{
	static const unsigned thread_counts[] = { 2, 4 };
	int missed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < 2; i++) {
		struct lockcheck_config cfg = {
			.lock = &lock_desc_broken,
			.threads = thread_counts[i],
			.permits = 1,
			/* The race needs the threads to run at the same
			 * instant. Under qemu-user on a shared host
			 * (make check-aarch64 sets CONTEND_EMULATED) they
			 * did so in only some 0.5 s runs: give it 2 s there. */
			.seconds = getenv("CONTEND_EMULATED") ? 2.0 : 0.5,
			.max_iterations = 1000000,
			.trylock_every = 3,
		};
		struct lockcheck_result res;
		lockcheck_run_print(&cfg, &res);
		if (lockcheck_passed(&cfg, &res)) {
			printf("FAIL: the broken lock passed with %u threads\n", cfg.threads);
			missed = 1;
		} else {
			printf("caught: %llu violations, counter %llu of %llu acquisitions\n",
			       (unsigned long long)res.violations,
			       (unsigned long long)res.counter,
			       (unsigned long long)res.acquisitions);
		}
	}
	printf("%s\n", missed ? "FAIL: negative control not caught" :
				"PASS: negative control caught every time");
	return missed;
}
