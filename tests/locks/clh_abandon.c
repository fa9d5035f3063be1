/*
 * clh_abandon.c - the rare paths of clh's trylock, run on purpose (white
 * box: locks/clh.c is compiled in here with its schedule points).
 *
 * T's trylock sees the queue's last node released; at test point 0 (before
 * its CAS on tail) B locks, unlocks and locks again, which puts that same
 * node back at the tail, held (ABA); T's CAS then succeeds behind B.
 *   case "undo":    nobody queues behind T; T must put tail back.
 *   case "abandon": at test point 1 (after the CAS) C calls lock() and
 *                   queues behind T's node; T must hand C its predecessor
 *                   and fail. C must skip T's node, wait for B, and give
 *                   T's node back, so T's next lock() works.
 * In both, trylock returns false while B holds the lock, and B, C and T
 * then each take the lock in turn; a plain counter updated in every
 * critical section shows overlaps (and, under TSan, missing edges).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void test_point(int n);
#define LOCK_SCHED_POINTS 1
#define LOCK_NO_HOT_LOOP 1
#include "../lib/tap.h"
#include "../../locks/clh.c"

/* Defined by locks/registry.c in the library, which this test does not
 * link: it has its own copy of clh. */
_Thread_local struct lock_stats lock_thread_stats;

static struct clh_lock lk;
static struct clh_thread tb, tc, tt;
static _Atomic int b_stage, c_stage, b_release;
static int abandon_case;
static _Thread_local int is_t;
static volatile long counter; /* plain: only the lock orders it */
static _Atomic int inside;
static int failed;

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

static void critical_section(const char *who)
{
	if (atomic_fetch_add(&inside, 1) != 0) {
		diag("FAIL: %s entered while another thread held the lock", who);
		failed = 1;
	}
	counter++;
	atomic_fetch_sub(&inside, 1);
}

static void *b_main(void *arg)
{
	while (atomic_load(&b_stage) != 1)
		sleep_ms(1);
	clh_lock(&lk, &tb);
	clh_unlock(&lk, &tb);
	clh_lock(&lk, &tb);
	atomic_store(&b_stage, 2); /* holding */
	/* Released by main after T's trylock returned, or after 2 s if that
	 * trylock waits for B (the bug this test is for). */
	for (int ms = 0; !atomic_load(&b_release) && ms < 2000; ms++)
		sleep_ms(1);
	critical_section("B");
	clh_unlock(&lk, &tb);
	return NULL;
}

static void *c_main(void *arg)
{
	while (atomic_load(&c_stage) != 1)
		sleep_ms(1);
	atomic_store(&c_stage, 2);
	clh_lock(&lk, &tc); /* queues behind T's node */
	critical_section("C");
	atomic_store(&c_stage, 3);
	clh_unlock(&lk, &tc);
	return NULL;
}

static void test_point(int n)
{
	if (!is_t)
		return;
	if (n == 0) {
		atomic_store(&b_stage, 1);
		while (atomic_load(&b_stage) != 2)
			sleep_ms(1);
	} else if (n == 1 && abandon_case) {
		atomic_store(&c_stage, 1);
		/* C is queued once tail moved past T's node. */
		while (atomic_load_explicit(&lk.tail, memory_order_relaxed) == tt.mine)
			sleep_ms(1);
	}
}

/* The lock's schedule points (locks/schedpoint.h), by hand: this test
 * stops only T, at the first two. */
void lock_sched_point(const char *name)
{
	if (strcmp(name, "clh.try.before_cas") == 0)
		test_point(0);
	else if (strcmp(name, "clh.try.queued") == 0)
		test_point(1);
}

static int run_case(int abandon)
{
	pthread_t b, c;
	int before = failed;

	memset(&lk, 0, sizeof(lk));
	clh_init(&lk, NULL);
	clh_thread_init(&tb);
	clh_thread_init(&tc);
	clh_thread_init(&tt);
	atomic_store(&b_stage, 0);
	atomic_store(&c_stage, 0);
	atomic_store(&b_release, 0);
	abandon_case = abandon;
	counter = 0;
	pthread_create(&b, NULL, b_main, NULL);
	pthread_create(&c, NULL, c_main, NULL);

	is_t = 1;
	bool got = clh_trylock(&lk, &tt);
	is_t = 0;
	if (got) {
		diag("FAIL %s: trylock succeeded while B held the lock (or waited for it)",
		     abandon ? "abandon" : "undo");
		failed = 1;
		clh_unlock(&lk, &tt);
	}
	if (!abandon)
		atomic_store(&c_stage, 1); /* C queues normally, behind B */
	while (atomic_load(&c_stage) < 2)
		sleep_ms(1);
	sleep_ms(20); /* C spins (on T's abandoned node, or on B's) */
	if (atomic_load(&c_stage) == 3) {
		diag("FAIL %s: C got the lock while B held it", abandon ? "abandon" : "undo");
		failed = 1;
	}
	atomic_store(&b_release, 1);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	/* T's next lock(): in the abandon case it waits until C handed its
	 * node back (C has moved on long ago). */
	clh_lock(&lk, &tt);
	critical_section("T");
	clh_unlock(&lk, &tt);
	if (counter != 3) {
		diag("FAIL: counter %ld after 3 critical sections", counter);
		failed = 1;
	}
	ok(failed == before, "%s: trylock failed at once behind B; B, C, T then took the "
	   "lock in turn", abandon ? "abandon (a successor already queued behind T)" :
	   "undo (tail put back)");
	return failed != before;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_case(0);
	run_case(1);
	return done_testing();
}
