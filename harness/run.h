/*
 * run.h - run one repeat of one point: N threads pinned by a plan drive one
 * lock (or nlocks of the same kind) through the lock's generated hot loop,
 * start together, warm up, measure for a fixed window, stop at a shared
 * deadline, and report per-thread and merged figures.
 *
 * Memory: the locks and the data their critical sections write are one
 * shared allocation placed by the memory policy; each worker allocates its
 * own state (queue nodes, histograms, counters) after pinning itself, so the
 * first touch places it on the worker's node, cache-line aligned and padded
 * so that no two workers' counters share a line.
 */
#ifndef CONTEND_RUN_H
#define CONTEND_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "hist.h"
#include "hotloop.h"
#include "lock.h"
#include "mem.h"
#include "placement.h"
#include "tsc.h"

/* What is measured once per process and shared by every point. */
struct run_env {
	struct tsc_info tsc;
	struct delay_calib delay;
	struct counters_availability counters;
};

/* Calibrate the TSC and the delay loop, probe perf events. Returns 0 or -1
 * with a message in err. */
int run_env_init(struct run_env *env, char *err, size_t errlen);

struct run_point {
	const struct lock_desc *lock;
	unsigned threads;
	const int *cpus;          /* threads entries: the CPU of each, -1 = unpinned */
	double cs_ns, ncs_ns;     /* section lengths (mean when exponential) */
	bool exp_dist;            /* exponentially distributed lengths */
	unsigned permits;         /* K for counting locks, else 1 */
	unsigned nlocks;          /* >= 1 */
	unsigned cs_lines;        /* shared cache lines written per CS, >= 1 */
	unsigned spin_budget;     /* hybrid locks; 0 = default */
	double warmup_s, duration_s;
	long sample_every;        /* time every Nth acquisition: > 0 fixed (rounded
	                             up to a power of two), 0 = auto (one period
	                             for every thread, from the warm-up's combined
	                             rate: the timing's share of the lock's
	                             serial path <= 1 %), -1 = off */
	uint64_t seed;
	const struct mem_policy *mem;
};

/* Every figure of a thread covers the measured window only: acquisitions
 * made while it ran (0 when none), samples of those acquisitions, and
 * operating-system counters read by the controller at its edges. */
struct run_thread_result {
	int cpu_planned, cpu_start, cpu_end;
	uint64_t acquisitions;        /* in the measured window */
	uint64_t total_acquisitions;  /* warm-up and drain included */
	uint64_t violations;
	uint64_t same_holder;
	uint64_t timed;
	uint64_t sample_every;        /* 0 = sampling off */
	uint64_t voluntary_csw, involuntary_csw;
	bool csw_unavailable;         /* the counts could not be read */
	double cpu_ns;                /* CLOCK_THREAD_CPUTIME_ID over the window; NAN
	                                 when unreadable */
	struct lock_stats lock_stats; /* in the measured window */
	int64_t perf[PERF_NEVENTS];   /* window deltas; -1 = not measured */
	struct hist acquire_hist;     /* TSC ticks */
	struct hist hold_hist;
	struct hist cs_hist, ncs_hist;/* timed sections, one read included */
	struct hot_sampled sampled;   /* sums of the timed iterations (ticks) */
	struct hot_timer_floor floor; /* what the reads added, taken off (ticks) */
	double cs_overlap_ns,         /* what the reads around a timed delay-loop */
	       ncs_overlap_ns;        /* section hide of it (section.h), added back */
	uint64_t gap_first, gap_last; /* the window's first and last gap stamps */
	uint64_t gap_max_ticks;       /* longest interval between two of them */
	double max_wait_ns;           /* longest time without an acquisition in
	                                 the window: the longest timed wait, the
	                                 longest interval between gap stamps, from
	                                 the window's start to the first and from
	                                 the last to the deadline; the whole window
	                                 for a thread without an acquisition in it
	                                 (censored) */
	bool waited_through;          /* waiting at the start and the deadline for
	                                 the same acquisition */
	struct placement_thread placement; /* where it ran, where its data is */
};

struct run_result {
	unsigned threads;
	struct run_thread_result *per_thread; /* threads entries; run_result_free() */
	uint64_t window_ticks;
	double window_ns;
	uint64_t acquisitions;
	uint64_t violations;          /* in-CS checks plus a wrong final count */
	double throughput;            /* acquisitions per second */
	double jain, min_share, max_share;
	double same_holder_share;     /* NAN for counting locks */
	double overhead_share;        /* share of thread time spent timing samples */
	uint64_t sample_every;        /* the period every thread used; 0 = off */
	const char *sampling;         /* how it was chosen, for the results */
	double serial_overhead_share; /* time-stamp reads on the lock's serial path
	                                 over the window (NAN when off) */
	unsigned starved_threads;     /* threads without an acquisition in it */
	uint64_t tsc_backwards;       /* negative time differences clamped to 0 */
	double cs_ns_achieved;        /* median timed section (exponential: its
	                                 mean, trimmed at 20x the asked mean), NAN
	                                 when none timed */
	double ncs_ns_achieved;       /* median timed NCS, NAN when none timed
	                                 (none is with --ncs 0) */
	double timer_floor_ns[3];     /* what the reads added to a wait, a hold
	                                 and a section, taken off: the median of
	                                 the workers' (NAN when none ran) */
	double section_overlap_ns;    /* cs_overlap_ns, median of the workers' */
	double cpu_ns;                /* CPU time of all threads in the window */
	unsigned migrations;
	bool interrupted;             /* stopped early by a signal: not a result */
	char mem_note[160];
	struct placement_shared shared_placement; /* where the lock's page is */
};

/*
 * Run one repeat. *stop_request is polled while the window runs (a signal
 * handler sets it); the run then stops early and says so. Returns 0, or -1
 * with a one-line message in err (thread creation or pinning failed, out of
 * memory, lock init failed); nothing is left running either way.
 */
int run_point_once(const struct run_env *env, const struct run_point *pt,
		   volatile sig_atomic_t *stop_request, struct run_result *res,
		   char *err, size_t errlen);

void run_result_free(struct run_result *res);

/*
 * The reference for the harness's own cost: ns per lock+unlock of the
 * lock's bare inlined loop (no workload, no checks, no phase word), run
 * alone on the calling thread, pinned for the while to cpu (-1: where it
 * is). NAN if the lock has no bare loop.
 */
double run_bare_ns_per_op(const struct run_env *env, const struct lock_desc *lock,
			  unsigned permits, int cpu);

#endif
