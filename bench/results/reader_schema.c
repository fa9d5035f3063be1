/*
 * reader_schema.c - the results schema (results/SCHEMA.md) written down
 * once, as the tables below, so the validator and the document cannot drift
 * apart silently: a key added to SCHEMA.md is one line here. The lock
 * counters come from LOCK_STATS_LIST (lock.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stddef.h>

#include "lock.h" /* LOCK_STATS_LIST */
#include "reader.h"
#include "reader_schema.h"

/* Here, below both the reader and the validator that use it, so that
 * neither file calls into the other for it. */
double results_num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

#define END { NULL, K_INT, false, NULL }

static const struct schema_field tool_fields[] = {
	{ "name", K_STR, false, NULL },
	{ "version", K_STR, false, NULL },
	{ "git_revision", K_STR, true, NULL },
	END
};

static const struct schema_field caches_fields[] = {
	{ "l1d_bytes", K_INT, true, NULL },
	{ "l2_bytes", K_INT, true, NULL },
	{ "l3_bytes", K_INT, true, NULL },
	END
};

static const struct schema_field topology_fields[] = {
	{ "packages", K_INT, false, NULL },
	{ "numa_nodes", K_INT, false, NULL },
	{ "cores", K_INT, false, NULL },
	{ "pus", K_INT, false, NULL },
	{ "smt", K_BOOL, false, NULL },
	{ "allowed_cpus", K_STR, false, NULL },
	{ "caches", K_OBJ, false, caches_fields },
	END
};

static const struct schema_field tsc_fields[] = {
	{ "hz", K_NUM, false, NULL },
	{ "invariant", K_BOOL, false, NULL },
	{ "source", K_STR, false, NULL },
	{ "read_cost_ns", K_NUM, true, NULL },
	END
};

static const struct schema_field perf_fields[] = {
	{ "software", K_BOOL, false, NULL },
	{ "hardware", K_BOOL, false, NULL },
	{ "hardware_unavailable_reason", K_STR, true, NULL },
	END
};

static const struct schema_field numa_fields[] = {
	{ "nodes", K_INT, false, NULL },
	{ "placement", K_STR, false, NULL },
	{ "note", K_STR, true, NULL },
	END
};

static const struct schema_field meta_fields[] = {
	{ "timestamp", K_STR, false, NULL },
	{ "hostname", K_STR, false, NULL },
	{ "cpu_model", K_STR, true, NULL },
	{ "topology", K_OBJ, false, topology_fields },
	{ "kernel", K_STR, false, NULL },
	{ "libc", K_STR, false, NULL },
	{ "compiler", K_STR, false, NULL },
	{ "cflags", K_STR, false, NULL },
	{ "tsc", K_OBJ, false, tsc_fields },
	{ "governor", K_STR, true, NULL },
	{ "perf", K_OBJ, false, perf_fields },
	{ "numa", K_OBJ, false, numa_fields },
	{ "command_line", K_STR, false, NULL },
	{ "seed", K_INT, false, NULL },
	END
};

static const struct schema_field config_fields[] = {
	{ "locks", K_ARR_STR, false, NULL },
	{ "threads", K_ARR_INT, false, NULL },
	{ "cs_ns", K_ARR_NUM, false, NULL },
	{ "ncs_ns", K_ARR_NUM, false, NULL },
	{ "cs_dist", K_STR, false, NULL },
	{ "duration_s", K_NUM, false, NULL },
	{ "warmup_s", K_NUM, false, NULL },
	{ "repeats", K_INT, false, NULL },
	{ "pin", K_STR, false, NULL },
	{ "oversubscribe", K_BOOL, false, NULL },
	{ "mem", K_STR, false, NULL },
	{ "permits", K_INT, false, NULL },
	{ "cs_lines", K_INT, false, NULL },
	{ "nlocks", K_INT, false, NULL },
	{ "sample_every", K_INT, false, NULL },
	END
};

static const struct schema_field throughput_fields[] = {
	{ "median", K_NUM, false, NULL },
	{ "ci95_low", K_NUM, true, NULL },
	{ "ci95_high", K_NUM, true, NULL },
	{ "ci_level", K_NUM, true, NULL },
	{ "cv", K_NUM, true, NULL },
	END
};

static const struct schema_field fairness_fields[] = {
	{ "jain", K_NUM, true, NULL },
	{ "min_share", K_NUM, true, NULL },
	{ "max_share", K_NUM, true, NULL },
	{ "starved_threads", K_INT | SINCE_V2, false, NULL },
	END
};

static const struct schema_field handoff_fields[] = {
	{ "same_thread_share", K_NUM, true, NULL },
	END
};

static const struct schema_field percentile_fields[] = {
	{ "p50", K_NUM, true, NULL },
	{ "p90", K_NUM, true, NULL },
	{ "p99", K_NUM, true, NULL },
	{ "p999", K_NUM, true, NULL },
	{ "max", K_NUM, true, NULL },
	{ "samples", K_INT, false, NULL },
	END
};

static const struct schema_field csw_fields[] = {
	{ "voluntary", K_NUM, true, NULL },
	{ "involuntary", K_NUM, true, NULL },
	END
};

static const struct schema_field perf_sw_fields[] = {
	{ "context_switches", K_NUM, true, NULL },
	{ "cpu_migrations", K_NUM, true, NULL },
	END
};

static const struct schema_field hw_fields[] = {
	{ "cycles", K_NUM, true, NULL },
	{ "instructions", K_NUM, true, NULL },
	{ "cache_misses", K_NUM, true, NULL },
	END
};

/* The lock counters (locks/lock.h), each from the version that added it:
 * per acquisition in a point's lock_stats, totals per thread. */
#define SINCE(v) ((v) >= 2 ? SINCE_V2 : 0)
static const struct schema_field lock_stats_fields[] = {
#define LOCK_STAT_POINT(name, point_since, thread_since, what) \
	{ #name, K_NUM | SINCE(point_since), true, NULL },
	LOCK_STATS_LIST(LOCK_STAT_POINT)
#undef LOCK_STAT_POINT
	END
};

static const struct schema_field harness_fields[] = {
	{ "sample_every", K_INT | V1_ONLY, false, NULL },
	{ "sample_every", K_INT | SINCE_V2, true, NULL }, /* null: off */
	{ "sampling", K_STR | SINCE_V2, false, NULL },
	{ "serial_overhead_share", K_NUM | SINCE_V2, true, NULL },
	{ "timed_share", K_NUM, true, NULL },
	{ "overhead_share", K_NUM, true, NULL },
	END
};

static const struct schema_field probe_fields[] = {
	{ "rtt_ns", K_NUM, true, NULL },
	{ "speed_ns", K_NUM, true, NULL },
	END
};

static const struct schema_field per_repeat_fields[] = {
	{ "round", K_INT, false, NULL },
	{ "throughput", K_NUM, false, NULL },
	{ "acquisitions", K_INT, false, NULL },
	{ "window_ns", K_NUM, false, NULL },
	{ "jain", K_NUM, true, NULL },
	{ "violations", K_INT, false, NULL },
	{ "probe_before", K_OBJ, false, probe_fields },
	{ "probe_after", K_OBJ, false, probe_fields },
	END
};

static const struct schema_field per_thread_fields[] = {
	{ "thread", K_INT, false, NULL },
	{ "cpu", K_INT, false, NULL },
	{ "cpu_start", K_INT, false, NULL },
	{ "cpu_end", K_INT, false, NULL },
	{ "acquisitions", K_INT, false, NULL },
	{ "voluntary_csw", K_INT | V1_ONLY, false, NULL },
	{ "involuntary_csw", K_INT | V1_ONLY, false, NULL },
	/* v2: null when the counts could not be read */
	{ "voluntary_csw", K_INT | SINCE_V2, true, NULL },
	{ "involuntary_csw", K_INT | SINCE_V2, true, NULL },
#define LOCK_STAT_THREAD(name, point_since, thread_since, what) \
	{ #name, K_INT | SINCE(thread_since), true, NULL },
	LOCK_STATS_LIST(LOCK_STAT_THREAD)
#undef LOCK_STAT_THREAD
	{ "max_wait_ns", K_NUM | SINCE_V2, true, NULL },
	{ "cpu_ns", K_NUM | SINCE_V2, true, NULL },
	END
};

static const struct schema_field point_fields[] = {
	{ "lock", K_STR, false, NULL },
	{ "threads", K_INT, false, NULL },
	{ "cs_ns", K_NUM, false, NULL },
	{ "ncs_ns", K_NUM, false, NULL },
	{ "pin", K_STR, false, NULL },
	{ "cpus", K_ARR_INT, false, NULL },
	{ "oversubscribed", K_BOOL, false, NULL },
	{ "permits", K_INT, false, NULL },
	{ "nlocks", K_INT, false, NULL },
	{ "cs_lines", K_INT, false, NULL },
	{ "repeats", K_INT, false, NULL },
	{ "status", K_STR, false, NULL },
	{ "violations", K_INT, false, NULL },
	{ "throughput", K_OBJ, false, throughput_fields },
	{ "ns_per_acq", K_NUM, true, NULL },
	{ "cycles_per_acq", K_NUM | V1_ONLY, true, NULL },
	{ "wall_cycles_per_acq", K_NUM | SINCE_V2, true, NULL },
	{ "cpu_ns_per_acq", K_NUM | SINCE_V2, true, NULL },
	{ "cs_ns_achieved", K_NUM | SINCE_V2, true, NULL },
	{ "ncs_ns_achieved", K_NUM | SINCE_V2, true, NULL },
	{ "cs_off_target", K_BOOL | SINCE_V2, false, NULL },
	{ "fairness", K_OBJ, false, fairness_fields },
	{ "handoff", K_OBJ, false, handoff_fields },
	{ "latency_ns", K_OBJ | V1_ONLY, false, percentile_fields },
	{ "hold_ns", K_OBJ | V1_ONLY, false, percentile_fields },
	/* v2: null with a reason when nothing was timed (--sample-every off) */
	{ "latency_ns", K_OBJ | SINCE_V2, true, percentile_fields },
	{ "hold_ns", K_OBJ | SINCE_V2, true, percentile_fields },
	{ "csw_per_acq", K_OBJ, false, csw_fields },
	{ "perf_sw", K_OBJ, true, perf_sw_fields },
	{ "hw", K_OBJ, true, hw_fields },
	{ "lock_stats", K_OBJ, false, lock_stats_fields },
	{ "migrations", K_INT, false, NULL },
	{ "harness", K_OBJ, false, harness_fields },
	{ "noisy", K_BOOL, false, NULL },
	/* machine_changed (or, in files written before it, probe_moved) and
	 * regimes: check_point_semantics() */
	{ "per_repeat", K_ARR_OBJ, false, per_repeat_fields },
	{ "per_thread", K_ARR_OBJ, false, per_thread_fields },
	END
};

const struct schema_field results_top_fields[] = {
	{ "schema_version", K_INT, false, NULL },
	{ "tool", K_OBJ, false, tool_fields },
	{ "meta", K_OBJ, false, meta_fields },
	{ "config", K_OBJ, false, config_fields },
	{ "complete", K_BOOL, false, NULL },
	{ "interrupted_by", K_STR, true, NULL },
	{ "results", K_ARR_OBJ, false, point_fields },
	END
};

