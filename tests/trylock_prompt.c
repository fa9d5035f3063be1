/*
 * trylock_prompt.c - every lock's trylock returns at once, and fails, while
 * the lock is held and another thread waits for it: a trylock must never
 * queue behind waiters. The main thread takes the lock, a second thread
 * calls lock() and waits, and the main thread then calls trylock() with a
 * third node, many times. A trylock that queued would wait for the main
 * thread itself: the alarm ends the test. Each call must also fail, and
 * return within TRY_MAX_SECONDS (generous: a 2-CPU machine shared with a
 * spinning waiter may preempt the caller for a time slice or two).
 * Arguments: optional lock names to check only those.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

#define TRIES 200
#define TRY_MAX_SECONDS 0.5
#define ALARM_SECONDS 60

static const char *volatile current; /* the lock being checked */

static void on_alarm(int sig)
{
	static const char msg[] = "FAIL: a trylock never returned (it queued behind the waiter): ";
	(void)sig;
	write(1, msg, sizeof(msg) - 1);
	write(1, current, strlen(current));
	write(1, "\n", 1);
	_exit(1);
}

struct waiter {
	const struct lock_desc *d;
	void *lock, *node;
	_Atomic int state; /* 0 not started, 1 calling lock(), 2 acquired */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *alloc_node(const struct lock_desc *d)
{
	size_t size = d->node_size ? (d->node_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD : LOCK_PAD;
	void *node = aligned_alloc(LOCK_PAD, size);
	if (node == NULL) {
		fprintf(stderr, "trylock_prompt: out of memory\n");
		exit(1);
	}
	memset(node, 0, size);
	if (d->thread_init)
		d->thread_init(node);
	return node;
}

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	atomic_store(&w->state, 1);
	w->d->lock(w->lock, w->node);
	atomic_store(&w->state, 2);
	w->d->unlock(w->lock, w->node);
	return NULL;
}

static int check_lock(const struct lock_desc *d)
{
	struct lock_params params = { .permits = 1, .spin_budget = 0 };
	size_t lsize = (d->lock_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	void *lock = aligned_alloc(LOCK_PAD, lsize);
	void *mine = alloc_node(d), *probe = alloc_node(d);
	struct waiter w = { .d = d, .node = alloc_node(d) };
	pthread_t tid;
	int failed = 0, succeeded = 0;
	double worst = 0;

	if (lock == NULL) {
		fprintf(stderr, "trylock_prompt: out of memory\n");
		exit(1);
	}
	memset(lock, 0, lsize);
	w.lock = lock;
	if (d->init(lock, &params) != 0) {
		printf("FAIL %s: init failed\n", d->name);
		return 1;
	}
	d->lock(lock, mine);
	if (pthread_create(&tid, NULL, waiter_main, &w) != 0) {
		fprintf(stderr, "trylock_prompt: pthread_create failed\n");
		exit(1);
	}
	while (atomic_load(&w.state) == 0)
		usleep(1000);
	usleep(20000); /* let the waiter get into its queue or sleep */
	for (int i = 0; i < TRIES; i++) {
		double t0 = now_s();
		bool got = d->trylock(lock, probe);
		double dt = now_s() - t0;
		if (dt > worst)
			worst = dt;
		if (got) {
			succeeded++;
			d->unlock(lock, probe);
		}
	}
	if (atomic_load(&w.state) == 2) {
		printf("FAIL %s: the waiter got the lock while another thread held it\n", d->name);
		failed = 1;
	}
	d->unlock(lock, mine);
	pthread_join(tid, NULL);
	if (succeeded) {
		printf("FAIL %s: trylock succeeded %d times on a held lock\n", d->name, succeeded);
		failed = 1;
	}
	if (worst > TRY_MAX_SECONDS) {
		printf("FAIL %s: a trylock took %.3f s with a waiter queued\n", d->name, worst);
		failed = 1;
	}
	if (!failed)
		printf("ok   %-17s %d trylocks failed at once with a waiter queued (slowest %.1f us)\n",
		       d->name, TRIES, worst * 1e6);
	d->destroy(lock);
	free(lock);
	free(mine);
	free(probe);
	free(w.node);
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0, checked = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	current = "(none)";
	signal(SIGALRM, on_alarm);
	alarm(ALARM_SECONDS); /* a trylock that queued never returns */
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		if (argc > 1) {
			int wanted = 0;
			for (int a = 1; a < argc; a++)
				wanted |= strcmp(argv[a], d->name) == 0;
			if (!wanted)
				continue;
		}
		current = d->name;
		failed |= check_lock(d);
		checked++;
	}
	if (checked == 0) {
		printf("FAIL: no lock matched\n");
		return 1;
	}
	printf("%s: %d locks checked\n", failed ? "FAIL" : "PASS", checked);
	return failed;
}
