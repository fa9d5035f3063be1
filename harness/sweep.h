/*
 * sweep.h - the sweep engine: a configuration (every combination of locks,
 * thread counts and section lengths is a point), the points built from it,
 * and the rounds that run them. Repetition is the outer loop: each round
 * runs every point once, in a seeded shuffled order, so that drift of the
 * machine spreads over all locks instead of landing on one; each repeat
 * carries a placement probe (cache-line round trip between its first two
 * CPUs) and a speed probe taken just before and after it. Per point the
 * figures of every finished repeat are kept, from which the table, CSV and
 * results JSON are made (bench/results/writer.h, bench/report/run_output.h).
 *
 * Use: fill cfg (and topo, env), sweep_build_points(), sweep_run_rounds(),
 * read the points, sweep_free().
 */
#ifndef CONTEND_SWEEP_H
#define CONTEND_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "stats.h"
#include "hist.h"
#include "lock.h"
#include "mem.h"
#include "run.h"
#include "topo.h"

struct sweep_config {
	const struct lock_desc **locks;
	size_t nlocks_list;
	unsigned *threads;
	size_t nthreads;
	double *cs_ns, *ncs_ns;
	size_t ncs, nncs;
	bool exp_dist;
	double duration_s, warmup_s;
	unsigned repeats;
	char pin[256];
	bool oversubscribe;
	struct mem_policy mem;
	char mem_text[32];
	unsigned permits;
	unsigned cs_lines;
	unsigned nlocks;
	unsigned spin_budget;
	long sample_every;
	uint64_t seed;
	char command_line[4096];
	/* The sweep's spec (bench/run_spec.h): its hash and canonical text,
	 * "" and NULL when none was made. The harness only carries them. */
	char spec_hash[32];
	char *spec_json;
};

/* What each finished repeat of a point measured. */
/* What a repeat measured about the measurement itself (issue 15): the
 * sections it achieved, CPU time, starvation, the sampling it used. */
struct repeat_measures {
	double cs_ns_achieved, ncs_ns_achieved; /* NAN: nothing timed */
	double cpu_ns_per_acq;                  /* NAN: unreadable or no acquisition */
	double serial_overhead_share;           /* NAN: sampling off */
	unsigned starved_threads;
	uint64_t sample_every;                  /* 0: off */
	double sample_every_d;                  /* the same, for SWEEP_MEDIAN */
	double timer_wait_ns, timer_hold_ns,    /* the timer's cost taken off */
	       timer_section_ns;                /* each timed interval (run.h) */
	double section_overlap_ns;              /* added back to sections (run.h) */
	uint64_t tsc_backwards;
	const char *sampling;
};

struct repeat_figures {
	double throughput, window_ns, jain, min_share, max_share, same_share;
	uint64_t acquisitions, violations;
	double cycles_per_acq, vcsw_per_acq, ivcsw_per_acq;
	double perf_per_acq[PERF_NEVENTS]; /* NAN: not measured */
	double lock_stats_per_acq[LOCK_STAT_COUNT]; /* NAN: nothing acquired */
	double overhead_share, timed_share;
	/* Machine state around the repeat (NAN: none). rtt: cache-line round
	 * trip between the point's first two CPUs (median of 7 batches);
	 * speed: fixed work, the median of SWEEP_SPEED_SHOTS shots on each of
	 * the point's CPUs (up to 4), the slowest CPU's. */
	double rtt_before, rtt_after, speed_before, speed_after;
	/* Share of the point's CPUs' time, warm-up and window, used by other
	 * processes or stolen by the host (/proc/stat ticks less this
	 * process's CPU time; a tick is 10 ms, so ~0.05 resolution). */
	double foreign_share;
	int regime;       /* placement regime (STATS_REGIME_*): sweep_group_regimes() */
	double bare_ns;   /* bare inlined loop, 1-thread points; NAN otherwise */
	unsigned migrations;
	unsigned round;
	struct repeat_measures m;  /* sweep_record_measures() */
};

struct thread_sums {
	int cpu, cpu_start, cpu_end;
	uint64_t acquisitions, voluntary_csw, involuntary_csw;
	struct lock_stats lock_stats;
	double max_wait_ns;          /* longest over repeats; NAN: none seen */
	double cpu_ns;               /* summed over repeats; NAN: unreadable */
	bool csw_unavailable;        /* a repeat could not read the counts */
	struct placement_thread placement; /* of the last repeat */
};

struct sweep_point {
	const struct lock_desc *lock;
	unsigned threads;
	double cs_ns, ncs_ns;
	unsigned permits;
	int *cpus;
	bool oversubscribed;
	size_t done;                 /* finished repeats */
	struct repeat_figures *rep;  /* repeats entries */
	struct hist acquire_hist, hold_hist; /* merged, TSC ticks, each sample
	                                        weighted by its period */
	uint64_t timed_samples;              /* samples merged into them */
	struct thread_sums *per_thread;
	uint64_t sample_every;       /* of the last repeat (auto may vary) */
	char error[512];             /* a repeat could not run: the message */
	struct placement_shared shared_placement; /* of the last repeat */
};

struct sweep {
	struct sweep_config cfg;
	struct run_env env;
	struct topo *topo;
	struct sweep_point *points;
	size_t npoints;
	bool complete;
	const char *interrupted_by;  /* "SIGINT", "SIGTERM" or NULL */
	char timestamp[32];
	char mem_note[160];          /* what memory placement could not do */
};

/* Medians over a point's finished repeats of one field (sweep_measures.c) (offset into struct
 * repeat_figures of a double), skipping NANs; NAN when none. */
double sweep_median(const struct sweep_point *p, size_t offset);
#define SWEEP_MEDIAN(p, field) sweep_median((p), offsetof(struct repeat_figures, field))

/* The point's throughput summary over its finished repeats. */
struct summary;
void sweep_throughput_summary(const struct sweep_point *p, struct summary *s);

/* True when the point's achieved section is more than 10 % off the asked
 * one, and by more than two time-stamp reads (the resolution); median over
 * repeats; false when not measured or 0 asked. */
struct sweep;
bool sweep_cs_off_target(const struct sweep *s, const struct sweep_point *p);

/* Threads without an acquisition in a repeat's window, over all repeats. */
unsigned sweep_starved_threads(const struct sweep_point *p);

/*
 * Placement regimes (stats.h): the round trips of all repeats of the sweep
 * between the same two CPUs are grouped together, so that a regime means
 * the same placement for every point of the sweep; each repeat's regime is
 * set. sweep_run_rounds() calls it after every round.
 */
void sweep_group_regimes(struct sweep *s);

/* The regimes of one point's repeats, in order of round trip. */
struct sweep_regime {
	int id;             /* the sweep-wide regime */
	double rtt_ns;      /* median round trip of the point's repeats in it */
	size_t repeats;
	double median;      /* throughput median of those repeats */
	double low, high;   /* their min and max */
};

/* The point's regimes: 0 when its repeats had no probe, else how many
 * (1: all in one, which the results report as null). Repeats whose
 * placement moved during them (mixed) are in none. */
size_t sweep_point_regimes(const struct sweep_point *p, struct sweep_regime *out, size_t max);

/*
 * Machine changed: the machine's state differed across the point's repeats
 * in a way that explains their spread. The point must be noisy (cv > 5 %),
 * and one of the states must split its repeats into two groups whose
 * throughput ranges do not overlap: placement regimes, the speed probe (a
 * gap of over 1.25x between the repeats' probes), or other load on its CPUs
 * (a gap of over 0.15 between the repeats' foreign_share, whatever the
 * usual load). note receives
 * what changed ("" when nothing). A flag on most points would say nothing;
 * this one needs the state and the throughput to move together.
 */
bool sweep_machine_changed(const struct sweep_point *p, char *note, size_t len);

/*
 * Build s->points from s->cfg (nested order: lock, threads, cs, ncs: the
 * order of the table), each with its CPU plan from s->topo. The plans must
 * have been checked (topo_plan) beforehand. Returns 0, or -1 with a message
 * in err (out of memory).
 */
int sweep_build_points(struct sweep *s, char *err, size_t errlen);

/* What the engine tells its caller while it runs. */
enum sweep_event {
	SWEEP_REPEAT_START,  /* a repeat of point is about to run */
	SWEEP_REPEAT_ERROR,  /* it could not run: message; the point is dropped */
	SWEEP_ROUND_END,     /* a round finished with more to come: a checkpoint */
};

struct sweep_progress {
	enum sweep_event event;
	size_t done, total;          /* repeats started so far (this one included) */
	unsigned round;              /* 0-based */
	const struct sweep_point *point;  /* REPEAT_START, REPEAT_ERROR */
	const char *message;              /* REPEAT_ERROR */
};

typedef void (*sweep_progress_fn)(const struct sweep *s, const struct sweep_progress *pr,
				  void *ctx);

/*
 * Run cfg.repeats rounds over the points. *stop_request is polled between
 * repeats and inside them (a signal handler sets it): the sweep then stops,
 * and a repeat cut short is dropped, not half-counted. progress (may be
 * NULL) is called before every repeat, on a repeat that failed to run and
 * after every round but the last. Returns true when every repeat that was
 * started ran (false: some point has its error set).
 */
bool sweep_run_rounds(struct sweep *s, volatile sig_atomic_t *stop_request,
		      sweep_progress_fn progress, void *ctx);

/* Free the points, the configuration's lists and the topology. */
void sweep_free(struct sweep *s);

#endif
