/*
 * preload_sites.c - waits at known places, for the wait-site tests of
 * `contend profile` (tests/preload/profile_sites.sh). Built with -g, so that the
 * profile can name functions and file:line.
 *
 * Usage: preload_sites split | retake | rwlock | sem | spin | c11 | many
 *   split: one mutex, waited for from two functions: wait_long() blocks
 *     while main holds the mutex for 60 ms, wait_short() for 20 ms. The
 *     profile must split the wait between the two sites, about 3:1.
 *   retake: a condition wait whose re-take of the mutex waits: the
 *     signaller holds the mutex for 60 ms after signalling.
 *   rwlock: read_wait() waits 40 ms for a writer (main), then
 *     write_wait() waits 20 ms for a reader (main).
 *   sem: sem_waiter() waits 20 ms for main's sem_post.
 *   spin: spin_waiter() spins 20 ms for main's pthread_spin_unlock.
 *   c11: c11_waiter() waits 20 ms in mtx_lock, then in cnd_wait.
 *   many: one mutex waited for from 40 different call instructions, 2 ms
 *     each: more stacks than the profile keeps per lock (32).
 * Prints what it did (always the same text).
 */
#include "preload_common.h"

#include <semaphore.h>
#include <stdatomic.h>
#include <threads.h>
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

/* What the waiters measured themselves around their lock calls (ns), for
 * the test to hold the profile's figures against (printed on stderr). */
static long long waited_long, waited_short;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Not static, not inlined: the profile must find these names. */
__attribute__((noinline)) void wait_long(void);
__attribute__((noinline)) void wait_long(void)
{
	atomic_store(&about_to_lock, 1);
	long long t0 = now_ns();
	pthread_mutex_lock(&m); /* WAIT_LONG_LINE */
	waited_long = now_ns() - t0;
	pthread_mutex_unlock(&m);
}

__attribute__((noinline)) void wait_short(void);
__attribute__((noinline)) void wait_short(void)
{
	/* 2, not 1: identical bodies would be folded into one function. */
	atomic_store(&about_to_lock, 2);
	long long t0 = now_ns();
	pthread_mutex_lock(&m); /* WAIT_SHORT_LINE */
	waited_short = now_ns() - t0;
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

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t sem;
static pthread_spinlock_t spin;
static mtx_t c11m;
static cnd_t c11c;
static int c11_ready; /* under c11m */

__attribute__((noinline)) void read_wait(void);
__attribute__((noinline)) void read_wait(void)
{
	atomic_store(&about_to_lock, 1);
	pthread_rwlock_rdlock(&rw); /* READ_LINE */
	pthread_rwlock_unlock(&rw);
}

__attribute__((noinline)) void write_wait(void);
__attribute__((noinline)) void write_wait(void)
{
	atomic_store(&about_to_lock, 2);
	pthread_rwlock_wrlock(&rw); /* WRITE_LINE */
	pthread_rwlock_unlock(&rw);
}

__attribute__((noinline)) void sem_waiter(void);
__attribute__((noinline)) void sem_waiter(void)
{
	atomic_store(&about_to_lock, 1);
	while (sem_wait(&sem) != 0) /* SEM_LINE */
		;
}

__attribute__((noinline)) void spin_waiter(void);
__attribute__((noinline)) void spin_waiter(void)
{
	atomic_store(&about_to_lock, 1);
	pthread_spin_lock(&spin); /* SPIN_LINE */
	pthread_spin_unlock(&spin);
}

__attribute__((noinline)) void c11_waiter(void);
__attribute__((noinline)) void c11_waiter(void)
{
	atomic_store(&about_to_lock, 1);
	mtx_lock(&c11m); /* C11_LINE */
	atomic_store(&about_to_lock, 3); /* main waits for this: one cnd_wait */
	while (!c11_ready)
		cnd_wait(&c11c, &c11m);
	mtx_unlock(&c11m);
}

#define MANY 40
static atomic_int many_site;

/* MANY call instructions, one per case: MANY different stacks. */
__attribute__((noinline)) void lock_at(int i);
__attribute__((noinline)) void lock_at(int i)
{
	/* A different store after each call: identical cases would be
	 * merged into one call by the compiler. */
#define AT(n) case n: pthread_mutex_lock(&m); atomic_store(&many_site, n + 1000); break;
	atomic_store(&about_to_lock, 1);
	switch (i) {
	AT(0) AT(1) AT(2) AT(3) AT(4) AT(5) AT(6) AT(7) AT(8) AT(9)
	AT(10) AT(11) AT(12) AT(13) AT(14) AT(15) AT(16) AT(17) AT(18) AT(19)
	AT(20) AT(21) AT(22) AT(23) AT(24) AT(25) AT(26) AT(27) AT(28) AT(29)
	AT(30) AT(31) AT(32) AT(33) AT(34) AT(35) AT(36) AT(37) AT(38) AT(39)
	default: pthread_mutex_lock(&m); break;
	}
#undef AT
	pthread_mutex_unlock(&m);
}

static void lock_at_next(void)
{
	lock_at(atomic_load(&many_site));
}

static void *run_fn(void *arg)
{
	((void (*)(void))arg)();
	return NULL;
}

/* Starts fn on a thread and waits until it is about to block. */
static pthread_t start_waiter(void (*fn)(void))
{
	pthread_t t;
	atomic_store(&about_to_lock, 0);
	CHECK(pthread_create(&t, NULL, run_fn, (void *)fn) == 0);
	while (!atomic_load(&about_to_lock))
		sleep_ms(1);
	return t;
}

static void other_modes(const char *mode)
{
	pthread_t t;
	if (strcmp(mode, "rwlock") == 0) {
		pthread_rwlock_wrlock(&rw);
		t = start_waiter(read_wait);
		sleep_ms(40);
		pthread_rwlock_unlock(&rw);
		CHECK(pthread_join(t, NULL) == 0);
		pthread_rwlock_rdlock(&rw);
		t = start_waiter(write_wait);
		sleep_ms(20);
		pthread_rwlock_unlock(&rw);
		CHECK(pthread_join(t, NULL) == 0);
	} else if (strcmp(mode, "sem") == 0) {
		CHECK(sem_init(&sem, 0, 0) == 0);
		t = start_waiter(sem_waiter);
		sleep_ms(20);
		CHECK(sem_post(&sem) == 0);
		CHECK(pthread_join(t, NULL) == 0);
	} else if (strcmp(mode, "spin") == 0) {
		CHECK(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE) == 0);
		pthread_spin_lock(&spin);
		t = start_waiter(spin_waiter);
		sleep_ms(20);
		pthread_spin_unlock(&spin);
		CHECK(pthread_join(t, NULL) == 0);
	} else if (strcmp(mode, "c11") == 0) {
		CHECK(mtx_init(&c11m, mtx_plain) == thrd_success);
		CHECK(cnd_init(&c11c) == thrd_success);
		mtx_lock(&c11m);
		t = start_waiter(c11_waiter);
		sleep_ms(20);
		mtx_unlock(&c11m);
		while (atomic_load(&about_to_lock) != 3)
			sleep_ms(1);
		mtx_lock(&c11m); /* the waiter is in cnd_wait now */
		c11_ready = 1;
		cnd_signal(&c11c);
		mtx_unlock(&c11m);
		CHECK(pthread_join(t, NULL) == 0);
	} else if (strcmp(mode, "many") == 0) {
		for (int i = 0; i < MANY; i++) {
			atomic_store(&many_site, i);
			pthread_mutex_lock(&m);
			t = start_waiter(lock_at_next);
			sleep_ms(2);
			pthread_mutex_unlock(&m);
			CHECK(pthread_join(t, NULL) == 0);
		}
	} else {
		fprintf(stderr, "usage: preload_sites split|retake|rwlock|sem|spin|c11|many\n");
		exit(2);
	}
	printf("%s done\n", mode);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "split";

	if (strcmp(mode, "split") == 0) {
		hold_while(run_long, 60);
		hold_while(run_short, 20);
		printf("split done\n");
		fprintf(stderr, "waited_long_ns=%lld waited_short_ns=%lld\n", waited_long,
			waited_short);
	} else if (strcmp(mode, "retake") == 0) {
		pthread_t t;
		atomic_store(&about_to_lock, 0);
		CHECK(pthread_create(&t, NULL, run_waiter, NULL) == 0);
		while (!atomic_load(&about_to_lock))
			sleep_ms(1);
		pthread_mutex_lock(&m); /* the waiter is in the wait now */
		ready = 1;
		pthread_cond_signal(&cv);
		sleep_ms(60); /* the woken waiter waits to re-take m */
		pthread_mutex_unlock(&m);
		CHECK(pthread_join(t, NULL) == 0);
		printf("retake done\n");
	} else {
		other_modes(mode);
	}
	return 0;
}
