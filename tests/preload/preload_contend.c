/*
 * preload_contend.c - one heavily contended mutex at a known call site
 * (hammer_known_mutex) next to per-thread mutexes that are locked more often
 * but never contended. The profile must rank the known mutex first (by wait
 * time, not by acquisitions) and name hammer_known_mutex as its call site.
 * Also the workload of preload/overhead.sh.
 *
 * Usage: preload_contend [MODE [ITERS [THREADS]]]
 *   MODE mixed (default): both kinds, and the holder of the shared mutex
 *   sleeps now and then; contended: only the shared mutex; uncontended:
 *   only per-thread mutexes. Prints "total=N".
 */
#include "preload_common.h"

#include <unistd.h>

static pthread_mutex_t known_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start; /* all threads hammer at the same time */
static long shared_counter; /* under known_mutex */
static long iters = 20000;

struct worker {
	pthread_mutex_t own;
	long own_counter;
	int mode; /* 0 mixed, 1 contended, 2 uncontended */
} __attribute__((aligned(128)));

/* Not static and not inlined: the profile must find this name. */
__attribute__((noinline)) void hammer_known_mutex(long n, bool nap);
__attribute__((noinline)) void hammer_known_mutex(long n, bool nap)
{
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&known_mutex);
		long c = shared_counter;
		for (volatile int spin = 0; spin < 50; spin++)
			; /* a critical section long enough to collide in */
		/* Now and then sleep holding it: the others must then find it
		 * taken even when only one CPU is free for this program. */
		if (nap && i % 256 == 0)
			usleep(50);
		shared_counter = c + 1;
		pthread_mutex_unlock(&known_mutex);
	}
}

__attribute__((noinline)) void private_loop(struct worker *w, long n);
__attribute__((noinline)) void private_loop(struct worker *w, long n)
{
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&w->own);
		w->own_counter++;
		pthread_mutex_unlock(&w->own);
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	pthread_barrier_wait(&start);
	if (w->mode != 2)
		hammer_known_mutex(iters, w->mode == 0);
	if (w->mode != 1)
		private_loop(w, w->mode == 2 ? iters : 4 * iters);
	return NULL;
}

int main(int argc, char **argv)
{
	int mode = 0, threads = 4;
	static struct worker w[64];

	if (argc > 1)
		mode = strcmp(argv[1], "contended") == 0 ? 1 :
			strcmp(argv[1], "uncontended") == 0 ? 2 : 0;
	if (argc > 2)
		iters = atol(argv[2]);
	if (argc > 3)
		threads = atoi(argv[3]);
	CHECK(iters > 0 && threads > 0 && threads <= 64);
	for (int i = 0; i < threads; i++) {
		CHECK(pthread_mutex_init(&w[i].own, NULL) == 0);
		w[i].mode = mode;
	}
	CHECK(pthread_barrier_init(&start, NULL, (unsigned)threads) == 0);
	run_threads(threads, work, w, sizeof(w[0]));
	long total = shared_counter;
	for (int i = 0; i < threads; i++)
		total += w[i].own_counter;
	long expect = (mode != 2 ? threads * iters : 0) +
		(mode == 0 ? 4 * threads * iters : mode == 2 ? threads * iters : 0);
	CHECK(total == expect);
	printf("total=%ld\n", total);
	return 0;
}
