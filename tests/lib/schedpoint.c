/*
 * schedpoint.c - lock_sched_point() for the white-box lock tests: see
 * schedpoint.h. One armed point at a time per (name, tag) pair, a handful
 * in all; a mutex and a condition variable order them (the tests run the
 * locks' own code, not the preload library, so a pthread mutex is fine).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define _GNU_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "schedpoint.h"

#define SCHED_ARMS 8

enum { ARM_FREE, ARM_ARMED, ARM_STOPPED, ARM_RELEASED };

static struct {
	const char *point;
	int tag;
	int state;
} arms[SCHED_ARMS];
static pthread_mutex_t sched_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sched_cv = PTHREAD_COND_INITIALIZER;
static _Thread_local int my_tag;

void lock_sched_point(const char *name);

void sched_tag(int tag)
{
	my_tag = tag;
}

static int find(const char *point, int tag)
{
	for (int i = 0; i < SCHED_ARMS; i++)
		if (arms[i].state != ARM_FREE && arms[i].tag == tag &&
		    strcmp(arms[i].point, point) == 0)
			return i;
	return -1;
}

void sched_arm(const char *point, int tag)
{
	pthread_mutex_lock(&sched_mu);
	int i = find(point, tag);
	for (int j = 0; i < 0 && j < SCHED_ARMS; j++)
		if (arms[j].state == ARM_FREE)
			i = j;
	if (i >= 0) {
		arms[i].point = point;
		arms[i].tag = tag;
		arms[i].state = ARM_ARMED;
	}
	pthread_mutex_unlock(&sched_mu);
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

bool sched_reached(const char *point, int tag, int ms)
{
	struct timespec until;
	bool reached = false;

	deadline_in(&until, ms);
	pthread_mutex_lock(&sched_mu);
	for (;;) {
		int i = find(point, tag);
		if (i >= 0 && arms[i].state == ARM_STOPPED) {
			reached = true;
			break;
		}
		if (pthread_cond_timedwait(&sched_cv, &sched_mu, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&sched_mu);
	return reached;
}

void sched_release(const char *point, int tag)
{
	pthread_mutex_lock(&sched_mu);
	int i = find(point, tag);
	if (i >= 0) {
		if (arms[i].state == ARM_STOPPED)
			arms[i].state = ARM_RELEASED;
		else
			arms[i].state = ARM_FREE; /* never reached: disarm */
	}
	pthread_cond_broadcast(&sched_cv);
	pthread_mutex_unlock(&sched_mu);
}

void lock_sched_point(const char *name)
{
	if (my_tag == 0)
		return;
	pthread_mutex_lock(&sched_mu);
	int i = find(name, my_tag);
	if (i >= 0 && arms[i].state == ARM_ARMED) {
		arms[i].state = ARM_STOPPED;
		pthread_cond_broadcast(&sched_cv);
		while (arms[i].state == ARM_STOPPED)
			pthread_cond_wait(&sched_cv, &sched_mu);
		arms[i].state = ARM_FREE;
	}
	pthread_mutex_unlock(&sched_mu);
}

bool sched_join(pthread_t thread, int ms)
{
	struct timespec until;

	deadline_in(&until, ms);
	return pthread_timedjoin_np(thread, NULL, &until) == 0;
}

bool sched_until(bool (*cond)(void *), void *arg, int ms)
{
	struct timespec pause = { 0, 200000 }; /* 0.2 ms */
	for (long waited = 0; waited < (long)ms * 5; waited++) {
		if (cond(arg))
			return true;
		nanosleep(&pause, NULL);
	}
	return cond(arg);
}
