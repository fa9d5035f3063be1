/*
 * preload_fork.c - a program that forks while another thread uses a mutex:
 * one child works with mutexes of its own and leaves with _exit(), another
 * execs this program again (the preload library starts afresh there), and
 * the parent checks both exit statuses.
 *
 * Usage: preload_fork            (prints "fork ok")
 *        preload_fork exec-child (what the exec'd child runs; exit status 5)
 */
#include "preload_common.h"

#include <sched.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#define ITERS 20000

static pthread_mutex_t busy_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t child_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stop;
static atomic_bool busy_running;
static long counter;

static void *busy(void *arg)
{
	while (!atomic_load(&stop)) {
		pthread_mutex_lock(&busy_mutex);
		counter++;
		pthread_mutex_unlock(&busy_mutex);
		atomic_store(&busy_running, true);
	}
	return NULL;
}

static void *child_worker(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&child_mutex);
		counter++;
		pthread_mutex_unlock(&child_mutex);
	}
	return NULL;
}

/* Two threads on child_mutex: the counter shows whether the lock held. */
static void child_work(void)
{
	char dummy[2];
	counter = 0;
	run_threads(2, child_worker, dummy, 1);
	CHECK(counter == 2L * ITERS);
}

static int wait_status(pid_t pid)
{
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st));
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		child_work();
		return 5;
	}
	CHECK(pthread_create(&t, NULL, busy, NULL) == 0);
	/* Fork only once the thread is in its loop: the forks then happen
	 * while it uses a mutex, as this test means, and not while it is still
	 * starting. Under ASan a starting thread allocates (its stack bounds,
	 * through pthread_getattr_np), and ASan's allocator (gcc 12) does not
	 * lock itself around fork(): a child forked in that instant found an
	 * allocator lock held by a thread it does not have, and its own
	 * threads waited for it for ever (a check-asan run hung here). */
	while (!atomic_load(&busy_running))
		sched_yield();

	pid_t a = fork();
	CHECK(a >= 0);
	if (a == 0) {
		child_work();
		fflush(stdout);
		_exit(7);
	}
	pid_t b = fork();
	CHECK(b >= 0);
	if (b == 0) {
		execl("/proc/self/exe", argv[0], "exec-child", (char *)NULL);
		_exit(99);
	}
	CHECK(wait_status(a) == 7);
	CHECK(wait_status(b) == 5);
	atomic_store(&stop, true);
	CHECK(pthread_join(t, NULL) == 0);
	printf("fork ok\n");
	return 0;
}
