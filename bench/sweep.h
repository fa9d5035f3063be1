/*
 * sweep.h - a `contend run` sweep: the configuration as parsed, and per
 * point the figures of every finished repeat, from which the table, CSV
 * and results JSON are made.
 */
#ifndef CONTEND_SWEEP_H
#define CONTEND_SWEEP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
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
};

/* What each finished repeat of a point measured. */
struct repeat_figures {
	double throughput, window_ns, jain, min_share, max_share, same_share;
	uint64_t acquisitions, violations;
	double cycles_per_acq, vcsw_per_acq, ivcsw_per_acq;
	double perf_per_acq[PERF_NEVENTS]; /* NAN: not measured */
	double futex_waits_per_acq, futex_wakes_per_acq, spins_per_acq, spin_fails_per_acq;
	double futex_sleeps_per_acq;
	double overhead_share, timed_share;
	double rtt_before, rtt_after, speed_before, speed_after; /* NAN: none */
	double bare_ns;   /* bare inlined loop, 1-thread points; NAN otherwise */
	unsigned migrations;
	unsigned round;
};

struct thread_sums {
	int cpu, cpu_start, cpu_end;
	uint64_t acquisitions, voluntary_csw, involuntary_csw;
	uint64_t futex_waits, futex_wakes, spins;
	uint64_t futex_sleeps;
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
	struct hist acquire_hist, hold_hist; /* merged, TSC ticks */
	struct thread_sums *per_thread;
	uint64_t sample_every;       /* of the last repeat (auto may vary) */
	char error[512];             /* a repeat could not run: the message */
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

/* Medians over a point's finished repeats of one field (offset into struct
 * repeat_figures of a double), skipping NANs; NAN when none. */
double sweep_median(const struct sweep_point *p, size_t offset);
#define SWEEP_MEDIAN(p, field) sweep_median((p), offsetof(struct repeat_figures, field))

/* The point's throughput summary over its finished repeats. */
struct summary;
void sweep_throughput_summary(const struct sweep_point *p, struct summary *s);

/* True when any repeat's probes moved by more than 25 %. */
bool sweep_probe_moved(const struct sweep_point *p);

/* The results JSON document (run_json.c). */
json_t *sweep_to_json(const struct sweep *s);

/* Text outputs (run_output.c). */
void sweep_print_table(const struct sweep *s, FILE *out);
void sweep_print_csv(const struct sweep *s, FILE *out);

#endif
