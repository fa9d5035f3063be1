/*
 * baseline_errors.c - the glibc baselines fail loudly when a library call
 * fails: the wrapper prints "contend: <lock>: <call> failed: ..." and
 * aborts, instead of retrying for ever (posix-sem used to loop on any
 * sem_wait error) or carrying on without the lock (the pthread wrappers
 * ignored return codes). Each case runs in a child process, which must die
 * of SIGABRT with that message. The errors glibc really reports are used:
 * sem_post past SEM_VALUE_MAX (EOVERFLOW) and destroying a held mutex
 * (EBUSY); sem_wait's EINVAL cannot be provoked portably and is not tried.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "lock.h"

static void posix_sem_overflow(void)
{
	const struct lock_desc *d = lock_find("posix-sem");
	struct lock_params p = { .permits = SEM_VALUE_MAX };
	static sem_t s;
	if (d->init(&s, &p) != 0)
		exit(3);
	d->unlock(&s, NULL); /* one post too many */
}

static void pthread_destroy_held(void)
{
	const struct lock_desc *d = lock_find("pthread");
	struct lock_params p = { .permits = 1 };
	void *m = aligned_alloc(LOCK_CACHELINE, (d->lock_size + LOCK_CACHELINE - 1) /
				LOCK_CACHELINE * LOCK_CACHELINE);
	if (m == NULL || d->init(m, &p) != 0)
		exit(3);
	d->lock(m, NULL);
	d->destroy(m);
}

static int expect_abort(const char *what, void (*fn)(void), const char *want)
{
	int fds[2], status;
	char buf[512] = "";
	ssize_t n, got = 0;

	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		fn();
		_exit(0); /* the error went unnoticed */
	}
	close(fds[1]);
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fds[0]);
	waitpid(pid, &status, 0);
	buf[strcspn(buf, "\n")] = '\0';
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT || strstr(buf, want) == NULL) {
		diag("FAIL %s: wanted SIGABRT and '%s'; got %s %d, stderr '%s'", what, want,
		     WIFSIGNALED(status) ? "signal" : "exit status",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), buf);
		return 1;
	}
	diag("%s: aborted with '%s'", what, buf);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ok(expect_abort("posix-sem unlock past SEM_VALUE_MAX", posix_sem_overflow,
			"contend: posix-sem: sem_post failed") == 0,
	   "posix-sem unlock past SEM_VALUE_MAX aborts");
	ok(expect_abort("pthread destroy while held", pthread_destroy_held,
			"contend: pthread: pthread_mutex_destroy failed") == 0,
	   "pthread destroy while held aborts");
	return done_testing();
}
