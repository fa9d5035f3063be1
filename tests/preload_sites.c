/*
 * preload_sites.c - waits at known places, for the wait-site tests of
 * `contend profile` (tests/profile-sites.sh). Built with -g, so that the
 * profile can name functions and file:line.
 *
 * Usage: preload_sites split | retake
 *   split: one mutex, waited for from two functions: wait_long() blocks
 *     while main holds the mutex for 60 ms, wait_short() for 20 ms. The
 *     profile must split the wait between the two sites, about 3:1.
 *   retake: a condition wait whose re-take of the mutex waits: the
 *     signaller holds the mutex for 30 ms after signalling.
 * Prints what it did (always the same text).
 */
#include "preload_common.h"

#include <stdatomic.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static atomic_int about_to_lock;
static int ready; /* under m */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Not static, not inlined: the profile must find these names. */
__attribute__((noinline)) void wait_long(void);
__attribute__((noinline)) void wait_long(void)
{
	atomic_store(&about_to_lock, 1);
	pthread_mutex_lock(&m); /* WAIT_LONG_LINE */
	pthread_mutex_unlock(&m);
}

__attribute__((noinline)) void wait_short(void);
__attribute__((noinline)) void wait_short(void)
{
	/* 2, not 1: identical bodies would be folded into one function. */
	atomic_store(&about_to_lock, 2);
	pthread_mutex_lock(&m); /* WAIT_SHORT_LINE */
	pthread_mutex_unlock(&m);
}

static void *run_long(void *arg)
{
	(void)arg;
	wait_long();
	return NULL;
}

static void *run_short(void *arg)
{
	(void)arg;
	wait_short();
	return NULL;
}

/* Holds m for ms milliseconds while fn's thread waits for it. */
static void hold_while(void *(*fn)(void *), int ms)
{
	pthread_t t;
	pthread_mutex_lock(&m);
	atomic_store(&about_to_lock, 0);
	CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
	while (!atomic_load(&about_to_lock))
		sleep_ms(1);
	sleep_ms(ms);
	pthread_mutex_unlock(&m);
	CHECK(pthread_join(t, NULL) == 0);
}

__attribute__((noinline)) void wait_for_signal(void);
__attribute__((noinline)) void wait_for_signal(void)
{
	pthread_mutex_lock(&m);
	atomic_store(&about_to_lock, 1);
	while (!ready)
		pthread_cond_wait(&cv, &m); /* RETAKE_LINE */
	pthread_mutex_unlock(&m);
}

static void *run_waiter(void *arg)
{
	(void)arg;
	wait_for_signal();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "split";

	if (strcmp(mode, "split") == 0) {
		hold_while(run_long, 60);
		hold_while(run_short, 20);
		printf("split done\n");
	} else if (strcmp(mode, "retake") == 0) {
		pthread_t t;
		atomic_store(&about_to_lock, 0);
		CHECK(pthread_create(&t, NULL, run_waiter, NULL) == 0);
		while (!atomic_load(&about_to_lock))
			sleep_ms(1);
		pthread_mutex_lock(&m); /* the waiter is in the wait now */
		ready = 1;
		pthread_cond_signal(&cv);
		sleep_ms(30); /* the woken waiter waits to re-take m */
		pthread_mutex_unlock(&m);
		CHECK(pthread_join(t, NULL) == 0);
		printf("retake done\n");
	} else {
		fprintf(stderr, "usage: preload_sites split|retake\n");
		return 2;
	}
	return 0;
}
