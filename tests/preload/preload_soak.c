/*
 * preload_soak.c - the substitution soak (issue 22): one normal mutex used
 * every way a program uses one, for `contend profile --lock NAME`
 * (tests/preload/profile_soak.sh, which adds the watchdog).
 *
 *   preload_soak PIDFILE ROUNDS
 *   preload_soak PIDFILE deadlock   (the watchdog's negative control: the
 *                                    main thread locks m twice and hangs)
 *
 * Threads, all on mutex m (and a condition variable on it):
 *   - two trylock-heavy threads (trylock, yield on failure),
 *   - one timed-lock thread (pthread_mutex_timedlock, 1 ms deadlines),
 *   - a consumer waiting on the condition variable and a producer,
 *   - waves of short-lived threads that take m and exit while the others
 *     wait, each with a TSD destructor that takes m at thread exit.
 * Every critical section checks an owner flag and bumps a plain counter;
 * the end checks the counter against the sum of what every thread counted
 * and prints "soak ok N". The run is bounded by ROUNDS, not by time. The
 * pid goes to PIDFILE first, so the watchdog can dump every thread's
 * stack of this very process on a hang.
 */
#include "preload_common.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define WAVES 8
#define WAVE_THREADS 4

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t items_cv = PTHREAD_COND_INITIALIZER;
static pthread_key_t exit_key;
static long counter;       /* plain: only m orders it */
static int owner;          /* 0 or the holder's id, under m */
static int items;          /* produced, not yet consumed: under m */
static bool producing = true;
static _Atomic long counted; /* what the threads counted, summed */
static int rounds;

static void critical(int id)
{
	CHECK(owner == 0);
	owner = id;
	counter++;
	owner = 0;
}

static void *trylocker(void *arg)
{
	int id = (int)(intptr_t)arg;
	long mine = 0;
	for (int i = 0; i < rounds; i++) {
		while (pthread_mutex_trylock(&m) != 0)
			sched_yield();
		critical(id);
		mine++;
		CHECK(pthread_mutex_unlock(&m) == 0);
	}
	atomic_fetch_add(&counted, mine);
	return NULL;
}

static void *timedlocker(void *arg)
{
	long mine = 0;
	for (int i = 0; i < rounds;) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		int rc = pthread_mutex_timedlock(&m, &until);
		if (rc == ETIMEDOUT)
			continue;
		CHECK(rc == 0);
		critical(3);
		mine++;
		i++;
		CHECK(pthread_mutex_unlock(&m) == 0);
	}
	atomic_fetch_add(&counted, mine);
	return NULL;
}

static void *consumer(void *arg)
{
	long mine = 0;
	CHECK(pthread_mutex_lock(&m) == 0);
	for (;;) {
		while (items == 0 && producing)
			CHECK(pthread_cond_wait(&items_cv, &m) == 0);
		if (items == 0)
			break;
		items--;
		critical(4);
		mine++;
	}
	CHECK(pthread_mutex_unlock(&m) == 0);
	atomic_fetch_add(&counted, mine);
	return NULL;
}

static void *producer(void *arg)
{
	long mine = 0;
	for (int i = 0; i < rounds; i++) {
		CHECK(pthread_mutex_lock(&m) == 0);
		items++;
		critical(5);
		mine++;
		CHECK(pthread_cond_signal(&items_cv) == 0);
		CHECK(pthread_mutex_unlock(&m) == 0);
	}
	CHECK(pthread_mutex_lock(&m) == 0);
	producing = false;
	CHECK(pthread_cond_broadcast(&items_cv) == 0);
	CHECK(pthread_mutex_unlock(&m) == 0);
	atomic_fetch_add(&counted, mine);
	return NULL;
}

/* At thread exit, after the preload library's own destructors may have
 * run: take the mutex once more. */
static void exit_destructor(void *value)
{
	CHECK(pthread_mutex_lock(&m) == 0);
	critical(6);
	CHECK(pthread_mutex_unlock(&m) == 0);
	atomic_fetch_add(&counted, 1);
}

static void *short_lived(void *arg)
{
	CHECK(pthread_setspecific(exit_key, &m) == 0);
	for (int i = 0; i < 16; i++) {
		CHECK(pthread_mutex_lock(&m) == 0);
		critical(7);
		CHECK(pthread_mutex_unlock(&m) == 0);
	}
	atomic_fetch_add(&counted, 16);
	return NULL; /* exits while the others wait for m */
}

int main(int argc, char **argv)
{
	pthread_t t[6];

	bool deadlock = argc == 3 && strcmp(argv[2], "deadlock") == 0;
	if (argc != 3 || (!deadlock && (rounds = atoi(argv[2])) <= 0)) {
		fprintf(stderr, "usage: preload_soak PIDFILE ROUNDS|deadlock\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "w");
	CHECK(f != NULL);
	fprintf(f, "%ld\n", (long)getpid());
	CHECK(fclose(f) == 0);
	if (deadlock) {
		CHECK(pthread_mutex_lock(&m) == 0);
		pthread_mutex_lock(&m); /* a normal mutex: never returns */
		return 1;
	}
	CHECK(pthread_key_create(&exit_key, exit_destructor) == 0);

	CHECK(pthread_create(&t[0], NULL, trylocker, (void *)1) == 0);
	CHECK(pthread_create(&t[1], NULL, trylocker, (void *)2) == 0);
	CHECK(pthread_create(&t[2], NULL, timedlocker, NULL) == 0);
	CHECK(pthread_create(&t[3], NULL, consumer, NULL) == 0);
	CHECK(pthread_create(&t[4], NULL, producer, NULL) == 0);
	for (int w = 0; w < WAVES; w++) {
		pthread_t s[WAVE_THREADS];
		for (int i = 0; i < WAVE_THREADS; i++)
			CHECK(pthread_create(&s[i], NULL, short_lived, NULL) == 0);
		for (int i = 0; i < WAVE_THREADS; i++)
			CHECK(pthread_join(s[i], NULL) == 0);
	}
	for (int i = 0; i < 5; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(pthread_mutex_lock(&m) == 0);
	long c = counter;
	CHECK(pthread_mutex_unlock(&m) == 0);
	if (c != atomic_load(&counted)) {
		fprintf(stderr, "preload_soak: counter %ld, threads counted %ld\n", c,
			atomic_load(&counted));
		return 1;
	}
	printf("soak ok %ld\n", c);
	return 0;
}
