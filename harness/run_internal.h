/*
 * run_internal.h - what run.c (the controller of one repeat) and
 * run_worker.c (the worker threads it starts) share: the start gate, each
 * worker's state and arguments, and the sampling constants. Not for use
 * outside harness/run*.c.
 */
#ifndef CONTEND_RUN_INTERNAL_H
#define CONTEND_RUN_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "hotloop.h"
#include "run.h"

/* Before the window, every worker times one acquisition in this many;
 * at the window's start auto mode chooses one period for all workers from
 * the warm-up's combined rate (and keeps this one without a warm-up). */
#define WARMUP_SAMPLE_MASK 1023u
/* Auto sampling keeps the time-stamp reads made on the lock's serial path
 * under 1 % of the time per acquisition of the whole system: it sizes the
 * period for half that, since the window can run up to twice as fast as
 * the warm-up it was sized from (this VM's cores change speed 2x). */
#define SAMPLE_OVERHEAD_TARGET 0.005
#define SAMPLE_MASK_MAX ((UINT64_C(1) << 20) - 1)

/* The start gate: workers report ready and wait for go (or abort). A
 * mutex and condition variable rather than a barrier, so that the
 * controller can release threads already waiting when creating the next
 * one fails. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned ready;
	int state; /* 0 wait, 1 go, -1 abort */
};

struct shared_region {
	void *base;
	size_t size;
};

/* One worker's private state, allocated by the worker itself. */
struct worker_state {
	struct hot_thread hot;            /* first: the loop's hot fields */
	struct run_thread_result *out;
	const struct run_env *env;
	const struct run_point *pt;
	const _Atomic uint64_t *shared_mask; /* auto sampling: the period - 1 */
	struct perf_thread perf;
	struct lock_stats stats_start;
	struct hot_counts counts_start;
	bool in_window;                   /* an acquisition was made in it */
	void **nodes;
	uint64_t *tables;                 /* cs then ncs exponential tables */
	/* Read by the controller: a line of its own. */
	_Atomic uint64_t progress __attribute__((aligned(LOCK_CACHELINE)));
};

/* Operating-system figures of one worker, read by the controller. */
struct os_snap {
	int64_t vcsw, ivcsw;              /* -1: unreadable */
	struct perf_reading perf;
	double cpu_ns;                    /* NAN: unreadable */
};

struct worker_arg {
	const struct run_env *env;
	const struct run_point *pt;
	struct gate *gate;
	void *const *locks;
	struct hot_cs_data *const *cs;
	const _Atomic int *phase;
	const _Atomic uint64_t *shared_mask;
	struct run_thread_result *out;
	unsigned index;
	void *block;       /* the worker's own allocation, freed after the join */
	size_t block_size;
	pthread_t tid;
	char err[160];
	int failed;
	/* published by the worker before the gate */
	pid_t ktid;
	clockid_t cpu_clock;
	bool cpu_clock_ok;
	struct perf_thread *perf;
	_Atomic uint64_t *progress;
	/* the controller's reads at the window's start */
	struct os_snap os_start;
	uint64_t progress_start;
};

static inline size_t run_round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* The smallest power of two >= every (capped), minus one: a sampling mask.
 * Inline here because run.c and run_worker.c both need it and run.c already
 * calls into run_worker.c (run_worker_main): the two files must not call
 * each other. */
static inline uint64_t run_pow2_mask_for(uint64_t every)
{
	uint64_t p = 1;
	while (p < every && p <= SAMPLE_MASK_MAX)
		p <<= 1;
	return p - 1;
}
/* A worker thread: pins, allocates, waits at the gate, runs the loop. */
void *run_worker_main(void *argp);

#endif
