/*
 * preload_reinit.c - mutexes destroyed and initialised again at the same
 * address while other mutexes stay busy, as programs do that allocate a
 * mutex per job (a work queue's job records, reused by malloc). Each thread
 * re-initialises its own mutex every round and takes it once, then takes a
 * shared one. Under substitution a queue lock's nodes migrate between
 * threads, and the one inside a lock may be queued on another lock when
 * its mutex is initialised again: re-initialising it in place hands out a
 * node that is still in use (a hang or a lost update, which the timeout
 * and the count catch).
 *
 * Usage: preload_reinit [ROUNDS [THREADS]] (default 3000 4; prints
 *        "count=N", N = ROUNDS * THREADS)
 */
#include "preload_common.h"

#define MAX_THREADS 16

static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;
static long count;
static long rounds = 3000;

struct worker {
	pthread_mutex_t own;
	long own_count;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (long i = 0; i < rounds; i++) {
		CHECK(pthread_mutex_init(&w->own, NULL) == 0);
		CHECK(pthread_mutex_lock(&w->own) == 0);
		w->own_count++;
		CHECK(pthread_mutex_unlock(&w->own) == 0);
		CHECK(pthread_mutex_lock(&shared) == 0);
		count++;
		CHECK(pthread_mutex_unlock(&shared) == 0);
		CHECK(pthread_mutex_destroy(&w->own) == 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 4;
	if (argc > 1)
		rounds = atol(argv[1]);
	if (argc > 2)
		threads = atoi(argv[2]);
	CHECK(rounds > 0 && threads > 0 && threads <= MAX_THREADS);
	static struct worker w[MAX_THREADS];
	run_threads(threads, work, w, sizeof(w[0]));
	for (int i = 0; i < threads; i++)
		CHECK(w[i].own_count == rounds);
	CHECK(count == rounds * threads);
	printf("count=%ld\n", count);
	return 0;
}
