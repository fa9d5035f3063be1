/*
 * reader.h - reading and validating contend results JSON (results/SCHEMA.md).
 *
 * Two layers:
 *  - results_validate() checks a parsed document against the schema: every
 *    required key present with its documented type, tolerant of keys it does
 *    not know (later minor additions). `contend run`'s tests call it on the
 *    files run writes; plot, report and compare call it on every input.
 *  - results_load() opens, parses and validates one file and flattens its
 *    points into struct result_point, the view the charts and tables use.
 *
 * Null policy (SCHEMA.md: "a number that was not measured is null"): keys the
 * schema types "X or null" accept null; so do the measured figures of a point
 * (throughput interval and cv, ns_per_acq, cycles_per_acq, fairness, handoff,
 * latency / hold percentiles, csw, perf_sw / hw / lock_stats values, probe
 * values, per-thread lock counters). Identity and configuration keys
 * (names, counts, sizes of the sweep, booleans) and throughput.median of a
 * point never accept null. In struct result_point a null figure is NaN.
 */
#ifndef CONTEND_RESULTS_READER_H
#define CONTEND_RESULTS_READER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* The schema_version contend run writes, and the newest this reader
 * understands: one definition for both. Version 2: issue 15's measurement
 * keys (results/SCHEMA.md, "Changes from version 1"); 3: the same keys,
 * five of them measured differently (issue 27, "Changes from version 2"). */
#define RESULTS_SCHEMA_VERSION 3

/*
 * Check a parsed results document against SCHEMA.md: versions 1 and 2 (2
 * renamed cycles_per_acq to wall_cycles_per_acq and added the keys of
 * issue 15; each is checked against the keys of its own version).
 * Returns 0 when valid; otherwise -1 with a one-line message in err naming
 * the first offending key by its path, e.g.
 * "results[3].throughput.median: expected number, got string" or
 * "meta.topology: missing required key 'pus'". A schema_version newer than
 * RESULTS_SCHEMA_VERSION is reported as such (callers may want to say
 * "upgrade contend" rather than "invalid file"). err may be NULL.
 */
int results_validate(const json_t *root, char *err, size_t errlen);

/* meta.cpu_model of a results document with its padding tidied (see
 * cpuinfo_tidy_model()); results_load() does it for every file it reads. */
void results_tidy_cpu_model(json_t *meta);

/* One point of a sweep, flattened; strings point into the owning file's JSON. */
struct result_point {
	const json_t *json;      /* the point object itself */
	const char *lock;
	const char *pin;
	long threads;
	double cs_ns, ncs_ns;
	long permits, nlocks, cs_lines;
	long repeats;
	long violations;
	bool failed;             /* status "failed": never a valid throughput */
	bool oversubscribed;
	bool noisy;
	bool machine_changed;    /* machine_changed, or v1's probe_moved */
	/* Figures; NaN where the file has null (not measured). */
	double tput, tput_ci_low, tput_ci_high, tput_cv;
	double tput_ci_level;    /* the interval's confidence, a fraction (0: one repeat) */
	double ns_per_acq, cycles_per_acq; /* wall_cycles_per_acq (v2), cycles_per_acq (v1) */
	double jain, min_share, max_share;
	double lat_p50, lat_p90, lat_p99, lat_p999, lat_max;
	double csw_voluntary, csw_involuntary;
	long migrations;
	long starved_threads;    /* threads without a window acquisition, summed
	                            over repeats; -1 in schema 1 files */
	bool cs_off_target;      /* achieved section > 10 % off (schema 2) */
	size_t regimes;          /* placement regimes the repeats fell in (0: not in the file) */
};

/*
 * The one decoder of a point: J, a point object of a valid results document
 * (a file results_load() read, or the document `contend run` has just made
 * of its sweep), into P. Strings and P->json point into J. Plot, report,
 * compare and the findings all see a point through it, so a key added to the
 * schema is decoded here once.
 */
void result_point_decode(const json_t *j, struct result_point *p);

struct results_file {
	char *path;              /* as given on the command line */
	json_t *root;            /* owns every string below */
	const char *hostname;
	const char *cpu_model;   /* NULL when the file has null */
	const char *timestamp;
	long cpus;               /* CPUs the sweep could use: allowed_cpus, else pus */
	bool complete;
	const char *interrupted_by;   /* NULL unless interrupted */
	size_t npoints;
	struct result_point *points;
};

/*
 * Open, parse and validate PATH; reject another tool's JSON, a newer
 * schema_version and an empty results array. Returns the file, or NULL with a
 * one-line message in err that starts with PATH.
 */
struct results_file *results_load(const char *path, char *err, size_t errlen);
void results_free(struct results_file *f);

/* True when LOCK is one of the N names of a --locks list, or when there is
 * no list (n 0: every lock). The one test of plot, report and findings. */
bool results_lock_listed(const char *const *locks, size_t n, const char *lock);

/* "alpha (AMD EPYC 7B13, 2 CPUs)": how charts and tables name a machine. */
void results_machine_label(const struct results_file *f, char *buf, size_t len);

/*
 * Points of two sweeps describe the same measurement when every parameter
 * that shapes the workload agrees: lock, threads, cs_ns, ncs_ns, pin,
 * permits, nlocks, cs_lines.
 */
bool result_point_same_key(const struct result_point *a, const struct result_point *b);
/* "mcs threads=2 cs=100 ncs=0 pin=compact" (+ permits/nlocks/cs_lines when not 1). */
void result_point_key_str(const struct result_point *p, char *buf, size_t len);

/* The number at KEY of OBJ, NaN when missing or null. */
double results_num(const json_t *obj, const char *key);

#endif
