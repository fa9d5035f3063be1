/*
 * mcs_tp_skip.c - mcs-tp's release when every waiter is skipped, run on
 * purpose (white box: locks/mcs_tp.c is compiled in here).
 *
 * The holder H queues a node nobody spins on, with a heartbeat of 0 (as a
 * waiter descheduled long ago looks), writes a plain word and unlocks. The
 * releaser must skip that node (REMOVED) and, it being the tail, swing tail
 * to NULL: the lock is free. Only then (told by a relaxed flag, which
 * orders nothing) does thread C lock, finding the queue empty, and read the
 * plain word. The lock alone must order H's write before C's read: under
 * TSan, the CAS that frees the lock in mcstp_pass() weakened to relaxed is
 * a reported race here (locks/MUTANTS.md; the lock suites never reach this
 * path, which needs a stale waiter). Without TSan the test checks that the
 * path was taken and that C saw the word.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#define LOCK_NO_HOT_LOOP 1
#include "../lib/tap.h"
#include "../../locks/mcs_tp.c"

/* Defined by locks/registry.c in the library, which this test does not
 * link: it has its own copy of mcs-tp. */
_Thread_local struct lock_stats lock_thread_stats;

static struct mcstp_lock lk;
static struct mcstp_node nh, nstale, nc;
static _Atomic int go;
static long word; /* plain: only the lock orders it */
static long seen;

static void *c_main(void *arg)
{
	(void)arg;
	/* Relaxed: a start signal that must not order H's write for us. */
	while (!atomic_load_explicit(&go, memory_order_relaxed))
		sched_yield();
	mcs_tp_lock(&lk, &nc);
	seen = word;
	mcs_tp_unlock(&lk, &nc);
	return NULL;
}

int main(void)
{
	pthread_t c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mcs_tp_init(&lk, NULL);
	/* C exists before H's write, so its creation orders nothing of it. */
	if (pthread_create(&c, NULL, c_main, NULL) != 0) {
		bail_out("pthread_create");
	}
	mcs_tp_lock(&lk, &nh);
	/* A waiter that is not running: queued behind us, heartbeat 0. */
	atomic_store(&nstale.next, NULL);
	atomic_store(&nstale.heartbeat, 0);
	atomic_store(&nstale.status, MCSTP_WAITING);
	struct mcstp_node *pred = atomic_exchange(&lk.tail, &nstale);
	if (pred != &nh) {
		bail_out("tail was not the holder's node");
	}
	atomic_store(&nh.next, &nstale);
	word = 42;
	mcs_tp_unlock(&lk, &nh);
	unsigned status = atomic_load(&nstale.status);
	ok(status == MCSTP_REMOVED && atomic_load(&lk.tail) == NULL,
	   "release skips the stale waiter (status %u) and frees the lock", status);
	atomic_store_explicit(&go, 1, memory_order_relaxed);
	pthread_join(c, NULL);
	ok(seen == 42, "the next holder reads the releaser's write (42: %ld)", seen);
	return done_testing();
}
