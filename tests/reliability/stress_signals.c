/*
 * stress_signals.c - fault stress for the sleeping locks: oversubscribed
 * (8 and 16 threads squeezed onto 2 CPUs) while a signaller thread
 * interrupts every other thread of the process with SIGUSR1 about once a
 * millisecond. The handler is installed without SA_RESTART, so a waiter
 * blocked in FUTEX_WAIT returns EINTR, and a lock that treats that return
 * as "acquired" or "woken for me" breaks mutual exclusion or loses a
 * wake-up; glibc's sem_wait also returns EINTR, which the posix-sem
 * baseline must retry.
 *
 * Checked for every lock that may sleep (LOCK_MAY_SLEEP, glibc's included):
 * lockcheck's mutual exclusion and exact total, its watchdog (no progress
 * for 10 s = a lost wake-up, the lock word is printed), for our own
 * sleeping locks FUTEX_WAIT calls > 0; and for the run as a whole that
 * signals were handled and that some of them hit a thread while it was
 * blocked in the futex system call (sampled from /proc/self/task/TID/syscall),
 * i.e. that the EINTR path really ran. Counting locks also run with K = 2.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/lockcheck.h"
#include "../lib/tap.h"

#define SIGNAL_PERIOD_NS 1000000L  /* ~1 kHz per thread */
#define MAX_TIDS 256

static _Atomic unsigned long signals_handled;

struct signaller {
	pid_t pid;
	pid_t main_tid;
	_Atomic int stop;
	unsigned long sent;
	unsigned long sampled;       /* signals whose target's syscall was read */
	unsigned long hit_in_futex;  /* ... and that target was in futex() */
};

static void on_sigusr1(int sig)
{
	/* Only an atomic add: async-signal-safe, and errno stays as it was. */
	atomic_fetch_add_explicit(&signals_handled, 1, memory_order_relaxed);
}

static pid_t this_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* The thread ids of the process except the two given, from /proc. */
static size_t list_tids(pid_t skip1, pid_t skip2, pid_t *tids, size_t max)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *e;
	size_t n = 0;

	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL && n < max) {
		pid_t tid = (pid_t)atoi(e->d_name);
		if (tid > 0 && tid != skip1 && tid != skip2)
			tids[n++] = tid;
	}
	closedir(dir);
	return n;
}

/* true when thread tid is blocked in the futex system call right now. */
static bool in_futex(pid_t tid)
{
	char path[64], buf[32];
	FILE *f;
	long nr = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f))
		nr = strtol(buf, NULL, 10);
	fclose(f);
	return nr == SYS_futex;
}

static void *signaller_main(void *arg)
{
	struct signaller *s = arg;
	pid_t self = this_tid(), tids[MAX_TIDS];
	size_t ntids = 0;
	struct timespec period = { 0, SIGNAL_PERIOD_NS };
	sigset_t block;

	/* The signaller itself is never interrupted. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	for (unsigned long tick = 0; !atomic_load_explicit(&s->stop, memory_order_relaxed);
	     tick++) {
		/* Workers come and go with each lockcheck run: re-list often. */
		if (tick % 16 == 0)
			ntids = list_tids(self, s->main_tid, tids, MAX_TIDS);
		for (size_t i = 0; i < ntids; i++) {
			/* Reading /proc costs more than the signal: sample. */
			if (tick % 8 == 0) {
				s->sampled++;
				s->hit_in_futex += in_futex(tids[i]);
			}
			/* ESRCH (the thread has exited) is fine. */
			if (syscall(SYS_tgkill, s->pid, tids[i], SIGUSR1) == 0)
				s->sent++;
		}
		nanosleep(&period, NULL);
	}
	return NULL;
}

/* Oversubscription is the point: keep the process on two CPUs even on a
 * bigger machine. */
static void restrict_to_two_cpus(void)
{
	cpu_set_t allowed, two;
	int kept = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return;
	CPU_ZERO(&two);
	for (int c = 0; c < CPU_SETSIZE && kept < 2; c++) {
		if (CPU_ISSET(c, &allowed)) {
			CPU_SET(c, &two);
			kept++;
		}
	}
	if (sched_setaffinity(0, sizeof(two), &two) == 0)
		diag("running on %d CPU(s)", kept);
}

static void run_one(const struct lock_desc *d, unsigned threads, unsigned permits)
{
	struct lockcheck_config cfg = {
		.lock = d,
		.threads = threads,
		.permits = permits,
		.seconds = 0.3,
		.max_iterations = UINT64_MAX,
		LOCKCHECK_SLEEPY_WORKLOAD,
	};
	struct lockcheck_result res;
	bool own_sleeper = d->family != LOCK_FAMILY_BASELINE;

	lockcheck_run_print(&cfg, &res);
	bool passed = lockcheck_passed(&cfg, &res);
	if (own_sleeper && res.futex_sleeps == 0) {
		diag("FAIL %s: the futex sleep path was never taken", d->name);
		passed = false;
	}
	ok(passed, "signals %s threads=%u K=%u", d->name, threads, permits);
}

int main(void)
{
	static const unsigned thread_counts[] = { 8, 16 };
	struct sigaction sa;
	struct signaller sig = { .pid = getpid(), .main_tid = this_tid() };
	pthread_t sig_thread;
	int checked = 0, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: interrupted futex waits return EINTR */
	if (sigaction(SIGUSR1, &sa, NULL) != 0) {
		perror("sigaction");
		return 1;
	}
	restrict_to_two_cpus();
	if ((rc = pthread_create(&sig_thread, NULL, signaller_main, &sig)) != 0) {
		fprintf(stderr, "pthread_create: %s\n", strerror(rc));
		return 1;
	}

	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		/* The glibc baselines too: sem_wait's EINTR must be retried. */
		if (!(d->props & LOCK_MAY_SLEEP))
			continue;
		checked++;
		for (size_t t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++)
			run_one(d, thread_counts[t], 1);
		if (d->props & LOCK_COUNTING)
			run_one(d, 16, 2);
	}

	atomic_store_explicit(&sig.stop, 1, memory_order_relaxed);
	pthread_join(sig_thread, NULL);
	unsigned long handled = atomic_load(&signals_handled);
	diag("signals: %lu sent, %lu handled; %lu of %lu sampled targets were in futex()",
	     sig.sent, handled, sig.hit_in_futex, sig.sampled);
	ok(checked >= 7, "at least 7 sleeping locks (%d)", checked);
	ok(handled > 0, "signals handled (%lu)", handled);
	ok(sig.hit_in_futex > 0, "signals hit threads blocked in futex(): the EINTR path ran");
	return done_testing();
}
