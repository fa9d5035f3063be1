/*
 * misordered_lock.c - ThreadSanitizer must catch a lock whose memory
 * ordering is wrong (an expected-failure test, built and run only by
 * `make check-tsan`).
 *
 * The "misordered" lock below is a test-and-set spinlock with the right
 * atomic operations and the wrong orders: its exchange and its release
 * store are relaxed. Two holders still never overlap (the exchange is one
 * atomic read-modify-write), and on x86 the hardware orders the accesses
 * anyway, so lockcheck's counters see nothing wrong. What is missing is the
 * happens-before edge from one critical section to the next: the C11 model
 * (and the compiler, and a weaker CPU) may move the critical section's plain
 * accesses across a relaxed lock. ThreadSanitizer checks happens-before, so
 * it must report a data race on lockcheck's plain shared counter.
 *
 * The same lock with acquire/release ("ordered") is the control: it must
 * run clean, so the report comes from the ordering alone.
 *
 * Without arguments the program runs both in child processes with
 * TSAN_OPTIONS halt_on_error=1 exitcode=66 and checks: the misordered lock
 * exits 66 with "data race" in its report, the ordered one exits 0 without
 * a report. Not built with -fsanitize=thread it skips (TAP "1..0 # SKIP").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* No generated measurement loop: this lock never runs in the harness. */
#define LOCK_NO_HOT_LOOP 1

#include <stdio.h>
#include <string.h>

#include "lock_define.h"
#include "../lib/lockcheck.h"
#include "../lib/sanitizer.h"
#include "../lib/tap.h"
#include "../lib/selfexec.h"

#define TSAN_FAILURE_EXIT 66

struct tas_word {
	_Atomic uint32_t held;
};

static inline int misordered_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct tas_word *)lk)->held, 0);
	return 0;
}

static inline void misordered_destroy(void *lk) { }

static inline bool misordered_trylock(void *lk, void *node)
{
	/* BUG (on purpose): relaxed, so nothing the previous holder wrote
	 * happens-before our critical section. Should be acquire. */
	return atomic_exchange_explicit(&((struct tas_word *)lk)->held, 1,
					memory_order_relaxed) == 0;
}

static inline void misordered_lock(void *lk, void *node)
{
	struct tas_word *l = lk;
	while (!misordered_trylock(lk, node))
		while (atomic_load_explicit(&l->held, memory_order_relaxed) != 0)
			lock_cpu_relax();
}

static inline void misordered_unlock(void *lk, void *node)
{
	/* BUG (on purpose): should be release. */
	atomic_store_explicit(&((struct tas_word *)lk)->held, 0, memory_order_relaxed);
}

LOCK_DEFINE(misordered, "misordered", "NEGATIVE CONTROL: TAS with relaxed acquire/release",
	    "tests only", LOCK_FAMILY_SPIN, 0, sizeof(struct tas_word), 0);

static inline int ordered_init(void *lk, const struct lock_params *p)
{
	return misordered_init(lk, p);
}

static inline void ordered_destroy(void *lk) { }

static inline bool ordered_trylock(void *lk, void *node)
{
	/* ACQUIRE: pairs with the RELEASE store in ordered_unlock(). */
	return atomic_exchange_explicit(&((struct tas_word *)lk)->held, 1,
					memory_order_acquire) == 0;
}

static inline void ordered_lock(void *lk, void *node)
{
	struct tas_word *l = lk;
	while (!ordered_trylock(lk, node))
		while (atomic_load_explicit(&l->held, memory_order_relaxed) != 0)
			lock_cpu_relax();
}

static inline void ordered_unlock(void *lk, void *node)
{
	/* RELEASE: publishes the critical section to the next ACQUIRE exchange. */
	atomic_store_explicit(&((struct tas_word *)lk)->held, 0, memory_order_release);
}

LOCK_DEFINE(ordered, "ordered", "control: the same TAS with acquire/release",
	    "tests only", LOCK_FAMILY_SPIN, 0, sizeof(struct tas_word), 0);

/* Child mode: run one of the two locks with two threads. */
static int run_lock(const struct lock_desc *d)
{
	struct lockcheck_config cfg = {
		.lock = d,
		.threads = 2,
		.permits = 1,
		.seconds = 0.2,
		.max_iterations = 20000,
		.watchdog_seconds = 10,
	};
	struct lockcheck_result res;

	lockcheck_run_print(&cfg, &res);
	return lockcheck_passed(&cfg, &res) ? 0 : 1;
}

static char report[1 << 16];

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "misordered") == 0)
		return run_lock(&lock_desc_misordered);
	if (argc > 1 && strcmp(argv[1], "ordered") == 0)
		return run_lock(&lock_desc_ordered);
	if (!TEST_UNDER_TSAN) {
		skip_all("not built with -fsanitize=thread (run 'make check-tsan')");
	}

	rc = selfexec_run("ordered", "TSAN_OPTIONS", "halt_on_error=1 exitcode=66",
			  report, sizeof(report));
	if (!ok(rc == 0 && strstr(report, "ThreadSanitizer") == NULL,
		"acquire/release TAS: no ThreadSanitizer report"))
		diag("exit %d, report:\n%s", rc, report);

	rc = selfexec_run("misordered", "TSAN_OPTIONS", "halt_on_error=1 exitcode=66",
			  report, sizeof(report));
	/* The case passes when ThreadSanitizer FAILS the relaxed lock. */
	if (ok(rc == TSAN_FAILURE_EXIT && strstr(report, "data race") != NULL,
	       "relaxed TAS caught by ThreadSanitizer")) {
		const char *line = strstr(report, "WARNING: ThreadSanitizer");
		diag("exit %d, %.*s", rc, line ? (int)strcspn(line, "\n") : 0, line ? line : "");
	} else {
		diag("exit %d (want %d and a data race), report:\n%s", rc, TSAN_FAILURE_EXIT,
		     report);
	}
	return done_testing();
}
