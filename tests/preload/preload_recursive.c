/*
 * preload_recursive.c - recursive and error-checking mutexes keep their
 * semantics under the preload library, in substitution mode too (where they
 * must stay glibc's): nested locking, EBUSY from another thread, EDEADLK on
 * relock and EPERM on unlocking a mutex the thread does not own. Also
 * counts under contention through a recursive mutex.
 *
 * Usage: preload_recursive   (prints "recursive ok")
 */
#include "preload_common.h"

#include <errno.h>

#define THREADS 3
#define ITERS 5000

static pthread_mutex_t rec_static = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t rec_dyn;
static pthread_mutex_t errcheck;
static long counter; /* under rec_dyn */

static void init_type(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t a;
	CHECK(pthread_mutexattr_init(&a) == 0);
	CHECK(pthread_mutexattr_settype(&a, type) == 0);
	CHECK(pthread_mutex_init(m, &a) == 0);
	CHECK(pthread_mutexattr_destroy(&a) == 0);
}

static void *other_thread(void *arg)
{
	CHECK(pthread_mutex_trylock(&rec_static) == EBUSY);
	CHECK(pthread_mutex_unlock(&errcheck) == EPERM);
	return NULL;
}

static void *nested_worker(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		CHECK(pthread_mutex_lock(&rec_dyn) == 0);
		CHECK(pthread_mutex_lock(&rec_dyn) == 0);
		long c = counter;
		CHECK(pthread_mutex_trylock(&rec_dyn) == 0);
		counter = c + 1;
		CHECK(pthread_mutex_unlock(&rec_dyn) == 0);
		CHECK(pthread_mutex_unlock(&rec_dyn) == 0);
		CHECK(pthread_mutex_unlock(&rec_dyn) == 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	char dummy[THREADS];

	init_type(&rec_dyn, PTHREAD_MUTEX_RECURSIVE);
	init_type(&errcheck, PTHREAD_MUTEX_ERRORCHECK);

	for (int i = 0; i < 3; i++)
		CHECK(pthread_mutex_lock(&rec_static) == 0);
	CHECK(pthread_mutex_lock(&errcheck) == 0);
	CHECK(pthread_mutex_lock(&errcheck) == EDEADLK);
	CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(pthread_mutex_unlock(&rec_static) == 0);
	CHECK(pthread_mutex_unlock(&rec_static) == EPERM);
	CHECK(pthread_mutex_unlock(&errcheck) == 0);
	CHECK(pthread_mutex_unlock(&errcheck) == EPERM);

	run_threads(THREADS, nested_worker, dummy, 1);
	CHECK(counter == (long)THREADS * ITERS);
	CHECK(pthread_mutex_destroy(&rec_dyn) == 0);
	CHECK(pthread_mutex_destroy(&errcheck) == 0);
	printf("recursive ok\n");
	return 0;
}
