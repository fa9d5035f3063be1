/*
 * preload_static.c - mutexes the preload library must handle although it
 * never saw them initialised: PTHREAD_MUTEX_INITIALIZER, a mutex locked from
 * .preinit_array (before any library constructor, the preload library's
 * included, and before libc has set environ), threads that exit while the
 * program runs, and a program that exits holding a mutex.
 *
 * Usage: preload_static [EXIT_STATUS]   (prints "count=N", exits as told)
 */
#include "preload_common.h"

#include <unistd.h>

/* Two threads: run substituted by a FIFO spinlock (mcs), more threads than
 * CPUs would make every handoff to a preempted waiter cost a time slice. */
#define THREADS 2
#define ROUNDS 3
#define ITERS 5000

static pthread_mutex_t static_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t held_at_exit_mutex = PTHREAD_MUTEX_INITIALIZER;
static long counter; /* under static_mutex */
static int early_locks;

static void before_everything(int argc, char **argv, char **envp)
{
	for (int i = 0; i < 10; i++) {
		pthread_mutex_lock(&static_mutex);
		early_locks++;
		pthread_mutex_unlock(&static_mutex);
	}
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit)(int, char **, char **) =
	before_everything;

static void *worker(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&static_mutex);
		long c = counter; /* non-atomic: a lost update shows a broken lock */
		counter = c + 1;
		pthread_mutex_unlock(&static_mutex);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;
	char dummy[THREADS];

	CHECK(early_locks == 10);
	/* Several generations of threads: each exits while the program runs. */
	for (int r = 0; r < ROUNDS; r++)
		run_threads(THREADS, worker, dummy, 1);
	CHECK(counter == (long)ROUNDS * THREADS * ITERS);
	printf("count=%ld\n", counter);
	fflush(stdout);
	pthread_mutex_lock(&held_at_exit_mutex);
	return status; /* with held_at_exit_mutex held */
}
