/*
 * lockcheck.h - the correctness driver shared by the lock tests: run one
 * lock with N threads and check mutual exclusion (or at most K holders for
 * counting locks) inside every critical section.
 *
 * Inside the critical section each thread
 *   - raises an occupancy counter and fails if it exceeds the permits;
 *   - for K = 1, reads a shared counter, waits a few relax hints, writes it
 *     back plus one (a lost update shows an overlap), and writes its id into
 *     an owner field that must still hold its id at the end.
 * At the end the shared counter must equal the sum of every thread's
 * acquisitions, and a counting lock must hand out exactly K permits again
 * (no post lost, none invented).
 */
#ifndef CONTEND_TESTS_LOCKCHECK_H
#define CONTEND_TESTS_LOCKCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lock.h"

/* The workload of the tests that look for lost wake-ups (liveness,
 * stress_signals): trylocks mixed in, and sleeps inside and outside the
 * critical section so that waiters really park. Designated initializers for
 * a struct lockcheck_config. */
#define LOCKCHECK_SLEEPY_WORKLOAD                                              \
	.trylock_every = 5, .cs_sleep_every = 8, .cs_sleep_us = 50,            \
	.ncs_sleep_every = 3, .ncs_sleep_us = 20, .watchdog_seconds = 10

/* A lock test's command line: lock names to check, or none for all. */
static inline bool lockcheck_named(const char *name, int argc, char **argv)
{
	if (argc <= 1)
		return true;
	for (int a = 1; a < argc; a++)
		if (strcmp(argv[a], name) == 0)
			return true;
	return false;
}

struct lockcheck_config {
	const struct lock_desc *lock;
	unsigned threads;
	unsigned permits;          /* K; 1 for mutual exclusion */
	double seconds;            /* stop at this deadline ... */
	uint64_t max_iterations;   /* ... or after this many per thread */
	unsigned trylock_every;    /* every Nth acquisition tries trylock first; 0 = never */
	unsigned cs_sleep_every;   /* every Nth critical section sleeps cs_sleep_us; 0 = never */
	unsigned cs_sleep_us;
	unsigned ncs_sleep_every;  /* every Nth non-critical section sleeps ncs_sleep_us */
	unsigned ncs_sleep_us;
	double watchdog_seconds;   /* fail if no acquisition for this long; 0 = off */
};

struct lockcheck_result {
	uint64_t acquisitions;      /* summed over threads */
	uint64_t counter;           /* final shared counter (K = 1) */
	uint64_t violations;        /* critical sections that saw an overlap */
	unsigned max_occupancy;     /* most holders seen at once */
	uint64_t trylock_successes;
	uint64_t trylock_failures;
	uint64_t futex_waits, futex_wakes, spins;
	uint64_t futex_sleeps;      /* FUTEX_WAITs that slept (not EAGAIN) */
	bool permits_intact;        /* counting locks: exactly K trylocks succeed at the end */
	bool stalled;               /* watchdog fired */
	char stall_report[256];     /* the lock's describe() at the stall */
	double elapsed;             /* seconds */
};

/* Returns 0 when the run could be carried out (the result says whether the
 * lock behaved), -1 on a setup error (printed). */
int lockcheck_run(const struct lockcheck_config *cfg, struct lockcheck_result *res);

/* true when res shows no violation, an exact total, no stall and, for
 * counting locks, the permits back to K. */
bool lockcheck_passed(const struct lockcheck_config *cfg,
		      const struct lockcheck_result *res);

/* lockcheck_run() then lockcheck_print(); a setup error (already printed)
 * ends the test program with "Bail out!" and status 1. */
void lockcheck_run_print(const struct lockcheck_config *cfg, struct lockcheck_result *res);

/*
 * The lost wake-up check (for sleeping locks). In each round a holder takes
 * the lock, waits until the waiter has called lock(), holds on for
 * LOCKCHECK_HANDOFF_HOLD_US so the waiter goes to sleep, releases, and then
 * stays away from the lock until the waiter has it. Nobody else contends,
 * so nothing can make up for a lost wake: if the waiter does not get the
 * lock within LOCKCHECK_HANDOFF_TIMEOUT_S of the release and is not
 * runnable (/proc state R: merely waiting for a CPU, given up to 30 s), it
 * sleeps on while the lock is free: the wake was lost. Under many contending threads (the
 * oversubscribed lockcheck_run) the next unlock's wake rescues such a
 * sleeper, which hides the bug.
 */
#define LOCKCHECK_HANDOFF_HOLD_US 5000
#define LOCKCHECK_HANDOFF_TIMEOUT_S 2.0
struct lockcheck_handoff_result {
	unsigned rounds;         /* rounds run */
	unsigned slept_rounds;   /* rounds whose waiter really slept (futex_sleeps) */
	bool lost_wakeup;        /* a waiter slept on with the lock free: stops the run */
	double max_gap_s;        /* longest release-to-acquisition time */
};

/* Runs up to `rounds` rounds; 0, or -1 on a setup error (printed). After a
 * lost wake-up the waiter thread stays blocked (detached, leaked). */
int lockcheck_handoff(const struct lock_desc *d, unsigned rounds,
		      struct lockcheck_handoff_result *res);

/* One line describing the outcome, for test logs: a TAP comment ("# pass
 * tas threads=2 ..."); the caller prints the case's ok / not ok. */
void lockcheck_print(const struct lockcheck_config *cfg,
		     const struct lockcheck_result *res);

#endif
