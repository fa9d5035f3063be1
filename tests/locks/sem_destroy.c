/*
 * sem_destroy.c - a lock or semaphore may be destroyed and freed as soon as
 * its last user is through, while the thread that let that user through is
 * still inside unlock()/post(). POSIX allows it for mutexes and semaphores;
 * glibc got it wrong for sem_post until 2.21 (bug 12674: the poster read
 * the waiter count after the waiter could already have freed the semaphore).
 * Under AddressSanitizer (make check-asan) every such late access is a
 * heap-use-after-free report; without it this test only shows that nothing
 * hangs.
 *
 * Two patterns, on heap-allocated locks freed with free():
 *  - post-then-free (counting locks: sem, posix-sem): W waiters block in
 *    P on a semaphore at 0; the main thread posts W times; the waiter that
 *    takes the last permit frees the semaphore at once, while the main
 *    thread may still be in its last post (waking it).
 *  - handoff-then-free (every lock that may sleep, K = 1): the main thread
 *    holds the lock while W waiters queue up, then releases; each waiter
 *    takes and releases it in turn, and the last one frees it right after
 *    its own unlock, while the holder before it may still be in unlock().
 *
 * A negative control shows the test can catch the bug: a semaphore whose
 * post touches its word once more after waking the waiter (after a pause
 * that lets the waiter run and free) must make ASan report a
 * heap-use-after-free, in a child process.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "lock.h"
#include "../lib/sanitizer.h"
#include "../lib/tap.h"
#include "../lib/selfexec.h"

#define WAITERS 3
#define SECONDS_PER_LOCK 0.3
#define MAX_ROUNDS 400

enum pattern { POST_THEN_FREE, HANDOFF_THEN_FREE };

struct round {
	const struct lock_desc *d;
	enum pattern pattern;
	void *lock;
	_Atomic unsigned started;
	_Atomic unsigned done;
};

struct waiter {
	struct round *r;
	void *node;
	pthread_t tid;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pause_us(long us)
{
	struct timespec ts = { 0, us * 1000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *alloc_aligned(size_t size)
{
	size = (size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	void *p = aligned_alloc(LOCK_PAD, size);
	if (p)
		memset(p, 0, size);
	return p;
}

static void *alloc_node(const struct lock_desc *d)
{
	if (!(d->props & LOCK_NEEDS_NODE))
		return NULL;
	void *node = alloc_aligned(d->node_size);
	if (node && d->thread_init)
		d->thread_init(node);
	return node;
}

static void free_lock(struct round *r)
{
	r->d->destroy(r->lock);
	free(r->lock); /* from here on any access is a heap-use-after-free */
}

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct round *r = w->r;
	void *lock = r->lock; /* r->lock is not touched again after the free */

	atomic_fetch_add_explicit(&r->started, 1, memory_order_relaxed);
	r->d->lock(lock, w->node);
	/* ACQ_REL, as a reference count's decrement: RELEASE publishes this
	 * waiter's accesses to the lock word (sleeper registration included)
	 * to the waiter that frees it, whose ACQUIRE sees every earlier
	 * increment's. Relaxed, ThreadSanitizer rightly reports the free as a
	 * race with the other waiters' atomics. */
	unsigned n = atomic_fetch_add_explicit(&r->done, 1, memory_order_acq_rel) + 1;
	if (r->pattern == HANDOFF_THEN_FREE)
		r->d->unlock(lock, w->node);
	if (n == WAITERS)
		free_lock(r);
	return NULL;
}

/* One round; returns -1 on a setup error. */
static int run_round(const struct lock_desc *d, enum pattern pattern)
{
	struct round r = { .d = d, .pattern = pattern };
	struct waiter w[WAITERS];
	struct lock_params params = { .permits = pattern == POST_THEN_FREE ? WAITERS : 1 };
	void *main_node = NULL;
	int rc;

	r.lock = alloc_aligned(d->lock_size);
	if (r.lock == NULL || (rc = d->init(r.lock, &params)) != 0) {
		fprintf(stderr, "%s: cannot set up the lock\n", d->name);
		free(r.lock);
		return -1;
	}
	if (pattern == POST_THEN_FREE) {
		/* Take every permit: the semaphore is at 0 and waiters block. */
		for (unsigned i = 0; i < WAITERS; i++)
			if (!d->trylock(r.lock, NULL)) {
				fprintf(stderr, "%s: permit %u not available\n", d->name, i);
				return -1;
			}
	} else {
		main_node = alloc_node(d);
		d->lock(r.lock, main_node);
	}
	for (unsigned i = 0; i < WAITERS; i++) {
		w[i].r = &r;
		w[i].node = alloc_node(d);
		if ((rc = pthread_create(&w[i].tid, NULL, waiter_main, &w[i])) != 0) {
			fprintf(stderr, "pthread_create: %s\n", strerror(rc));
			exit(1); /* the others wait for a lock nobody releases */
		}
	}
	/* Let the waiters reach the lock and (mostly) fall asleep on it. */
	while (atomic_load_explicit(&r.started, memory_order_relaxed) < WAITERS)
		pause_us(20);
	pause_us(100);
	void *lock = r.lock; /* the waiters free it: keep only the address */
	if (pattern == POST_THEN_FREE) {
		for (unsigned i = 0; i < WAITERS; i++)
			d->unlock(lock, NULL); /* the last post races with the free */
	} else {
		d->unlock(lock, main_node);
	}
	/* Nodes only after every waiter is gone: a queue node can be read by
	 * another thread after its owner has finished with the lock (futex-spin's
	 * spin queue: a successor leaving the queue reads its predecessor's
	 * node), see locks/lock.h. */
	for (unsigned i = 0; i < WAITERS; i++)
		pthread_join(w[i].tid, NULL);
	for (unsigned i = 0; i < WAITERS; i++)
		free(w[i].node);
	free(main_node);
	return 0;
}

static int run_pattern(const struct lock_desc *d, enum pattern pattern)
{
	double start = now_seconds();
	unsigned rounds = 0;

	while (rounds < MAX_ROUNDS && now_seconds() - start < SECONDS_PER_LOCK) {
		if (run_round(d, pattern) != 0)
			return 1;
		rounds++;
	}
	diag("%-17s %-18s %u rounds of %d waiters", d->name,
	     pattern == POST_THEN_FREE ? "post-then-free" : "handoff-then-free", rounds,
	     WAITERS);
	return 0;
}

/*
 * The negative control: a semaphore (value only, no sleeper count) whose
 * post wakes, pauses, then reads its word again - the late access of glibc
 * bug 12674, with the window held open so that the woken waiter frees the
 * semaphore inside it.
 */
struct late_sem {
	_Atomic uint32_t value;
};

static inline int late_sem_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct late_sem *)lk)->value, p->permits);
	return 0;
}

static inline void late_sem_destroy(void *lk) { }

static inline bool late_sem_trylock(void *lk, void *node)
{
	struct late_sem *s = lk;
	uint32_t v = atomic_load_explicit(&s->value, memory_order_relaxed);
	while (v > 0)
		/* ACQUIRE: pairs with the RELEASE fetch_add in late_sem_unlock(). */
		if (atomic_compare_exchange_weak_explicit(&s->value, &v, v - 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	return false;
}

static inline void late_sem_lock(void *lk, void *node)
{
	struct late_sem *s = lk;
	while (!late_sem_trylock(lk, node))
		lock_futex_wait(&s->value, 0);
}

static inline void late_sem_unlock(void *lk, void *node)
{
	struct late_sem *s = lk;
	/* RELEASE: publishes the poster's writes to the ACQUIRE CAS. */
	atomic_fetch_add_explicit(&s->value, 1, memory_order_release);
	lock_futex_wake(&s->value, 1);
	pause_us(300);
	/* BUG (on purpose): the woken waiter may have freed s by now. */
	(void)atomic_load_explicit(&s->value, memory_order_relaxed);
}

static const struct lock_desc late_sem_desc = {
	.name = "late-sem",
	.description = "NEGATIVE CONTROL: post reads the semaphore after waking",
	.origin = "glibc bug 12674",
	.family = LOCK_FAMILY_SLEEP,
	.props = LOCK_MAY_SLEEP | LOCK_COUNTING,
	.lock_size = sizeof(struct late_sem),
	.init = late_sem_init,
	.destroy = late_sem_destroy,
	.lock = late_sem_lock,
	.trylock = late_sem_trylock,
	.unlock = late_sem_unlock,
};

static char report[1 << 16];

int main(int argc, char **argv)
{
	int checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "late-sem") == 0) {
		/* Child: a few rounds are plenty, the window is wide open. */
		for (int i = 0; i < 20; i++)
			if (run_round(&late_sem_desc, POST_THEN_FREE) != 0)
				return 1;
		return 0;
	}

	if (TEST_UNDER_ASAN) {
		int rc = selfexec_run("late-sem", "ASAN_OPTIONS",
				      "halt_on_error=1 detect_leaks=0", report, sizeof(report));
		bool caught = rc != 0 && strstr(report, "heap-use-after-free") != NULL;
		if (!caught)
			diag("FAIL negative control not caught: exit %d, report:\n%s", rc, report);
		ok(caught, "negative control: a post that reads the semaphore after waking "
		   "is caught (exit %d, heap-use-after-free)", rc);
	} else {
		skip("not built with -fsanitize=address (make check-asan)",
		     "negative control: a late access to the semaphore is caught");
		diag("without ASan a late access would go unnoticed: the runs below only "
		     "show that nothing hangs");
	}

	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		if (!(d->props & LOCK_MAY_SLEEP))
			continue;
		checked++;
		const char *how = TEST_UNDER_ASAN ? " under AddressSanitizer" : "";
		if (d->props & LOCK_COUNTING)
			ok(run_pattern(d, POST_THEN_FREE) == 0,
			   "%s freed right after post-then-free%s", d->name, how);
		ok(run_pattern(d, HANDOFF_THEN_FREE) == 0,
		   "%s freed right after handoff-then-free%s", d->name, how);
	}
	ok(checked >= 7, "at least 7 sleeping locks (%d)", checked);
	return done_testing();
}
