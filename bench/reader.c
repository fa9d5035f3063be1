/*
 * reader.c - validate and load contend results JSON (see reader.h and
 * results/SCHEMA.md). The schema is written down once, as the tables below,
 * so the validator and the document cannot drift apart silently: a key added
 * to SCHEMA.md is one line here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "lock.h" /* LOCK_STATS_LIST */
#include "reader.h"

enum kind {
	K_INT,        /* JSON integer */
	K_NUM,        /* JSON integer or real */
	K_STR,
	K_BOOL,
	K_OBJ,        /* object checked against .sub */
	K_ARR_INT,    /* array of integers */
	K_ARR_NUM,
	K_ARR_STR,
	K_ARR_OBJ,    /* array of objects, each checked against .sub */
};

/* Schema versions, for the keys one of them renamed or added: or'ed into a
 * field's kind. */
#define V1_ONLY 0x100
#define SINCE_V2 0x200
#define KIND_MASK 0xff

struct field {
	const char *key;      /* NULL ends a table */
	int kind;             /* enum kind, | V1_ONLY or SINCE_V2 */
	bool nullable;        /* null accepted in place of the value */
	const struct field *sub;
};

#define END { NULL, K_INT, false, NULL }

static const struct field tool_fields[] = {
	{ "name", K_STR, false, NULL },
	{ "version", K_STR, false, NULL },
	{ "git_revision", K_STR, true, NULL },
	END
};

static const struct field caches_fields[] = {
	{ "l1d_bytes", K_INT, true, NULL },
	{ "l2_bytes", K_INT, true, NULL },
	{ "l3_bytes", K_INT, true, NULL },
	END
};

static const struct field topology_fields[] = {
	{ "packages", K_INT, false, NULL },
	{ "numa_nodes", K_INT, false, NULL },
	{ "cores", K_INT, false, NULL },
	{ "pus", K_INT, false, NULL },
	{ "smt", K_BOOL, false, NULL },
	{ "allowed_cpus", K_STR, false, NULL },
	{ "caches", K_OBJ, false, caches_fields },
	END
};

static const struct field tsc_fields[] = {
	{ "hz", K_NUM, false, NULL },
	{ "invariant", K_BOOL, false, NULL },
	{ "source", K_STR, false, NULL },
	{ "read_cost_ns", K_NUM, true, NULL },
	END
};

static const struct field perf_fields[] = {
	{ "software", K_BOOL, false, NULL },
	{ "hardware", K_BOOL, false, NULL },
	{ "hardware_unavailable_reason", K_STR, true, NULL },
	END
};

static const struct field numa_fields[] = {
	{ "nodes", K_INT, false, NULL },
	{ "placement", K_STR, false, NULL },
	{ "note", K_STR, true, NULL },
	END
};

static const struct field meta_fields[] = {
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

static const struct field config_fields[] = {
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

static const struct field throughput_fields[] = {
	{ "median", K_NUM, false, NULL },
	{ "ci95_low", K_NUM, true, NULL },
	{ "ci95_high", K_NUM, true, NULL },
	{ "ci_level", K_NUM, true, NULL },
	{ "cv", K_NUM, true, NULL },
	END
};

static const struct field fairness_fields[] = {
	{ "jain", K_NUM, true, NULL },
	{ "min_share", K_NUM, true, NULL },
	{ "max_share", K_NUM, true, NULL },
	{ "starved_threads", K_INT | SINCE_V2, false, NULL },
	END
};

static const struct field handoff_fields[] = {
	{ "same_thread_share", K_NUM, true, NULL },
	END
};

static const struct field percentile_fields[] = {
	{ "p50", K_NUM, true, NULL },
	{ "p90", K_NUM, true, NULL },
	{ "p99", K_NUM, true, NULL },
	{ "p999", K_NUM, true, NULL },
	{ "max", K_NUM, true, NULL },
	{ "samples", K_INT, false, NULL },
	END
};

static const struct field csw_fields[] = {
	{ "voluntary", K_NUM, true, NULL },
	{ "involuntary", K_NUM, true, NULL },
	END
};

static const struct field perf_sw_fields[] = {
	{ "context_switches", K_NUM, true, NULL },
	{ "cpu_migrations", K_NUM, true, NULL },
	END
};

static const struct field hw_fields[] = {
	{ "cycles", K_NUM, true, NULL },
	{ "instructions", K_NUM, true, NULL },
	{ "cache_misses", K_NUM, true, NULL },
	END
};

/* The lock counters (locks/lock.h), each from the version that added it:
 * per acquisition in a point's lock_stats, totals per thread. */
#define SINCE(v) ((v) >= 2 ? SINCE_V2 : 0)
static const struct field lock_stats_fields[] = {
#define LOCK_STAT_POINT(name, point_since, thread_since, what) \
	{ #name, K_NUM | SINCE(point_since), true, NULL },
	LOCK_STATS_LIST(LOCK_STAT_POINT)
#undef LOCK_STAT_POINT
	END
};

static const struct field harness_fields[] = {
	{ "sample_every", K_INT | V1_ONLY, false, NULL },
	{ "sample_every", K_INT | SINCE_V2, true, NULL }, /* null: off */
	{ "sampling", K_STR | SINCE_V2, false, NULL },
	{ "serial_overhead_share", K_NUM | SINCE_V2, true, NULL },
	{ "timed_share", K_NUM, true, NULL },
	{ "overhead_share", K_NUM, true, NULL },
	END
};

static const struct field probe_fields[] = {
	{ "rtt_ns", K_NUM, true, NULL },
	{ "speed_ns", K_NUM, true, NULL },
	END
};

static const struct field per_repeat_fields[] = {
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

static const struct field per_thread_fields[] = {
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

static const struct field point_fields[] = {
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

static const struct field top_fields[] = {
	{ "schema_version", K_INT, false, NULL },
	{ "tool", K_OBJ, false, tool_fields },
	{ "meta", K_OBJ, false, meta_fields },
	{ "config", K_OBJ, false, config_fields },
	{ "complete", K_BOOL, false, NULL },
	{ "interrupted_by", K_STR, true, NULL },
	{ "results", K_ARR_OBJ, false, point_fields },
	END
};

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Paths are built in a fixed buffer; a path that does not fit is truncated,
 * which only shortens an error message. */
struct vctx {
	long version;         /* the document's schema_version */
	char path[256];
	char *err;
	size_t errlen;
};

static size_t path_push(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t path_push(struct vctx *c, const char *fmt, ...)
{
	size_t len = strlen(c->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path + len, sizeof(c->path) - len, fmt, ap);
	va_end(ap);
	return len;
}

static void path_pop(struct vctx *c, size_t len)
{
	c->path[len] = '\0';
}

/* "results[2]" then ".lock" - but no leading dot at the top level. */
static size_t path_push_key(struct vctx *c, const char *key)
{
	return path_push(c, c->path[0] ? ".%s" : "%s", key);
}

static int type_error(struct vctx *c, const char *want, const json_t *got)
{
	seterr(c->err, c->errlen, "%s: expected %s, got %s", c->path, want,
	       json_type_name(got));
	return -1;
}

static int check_object(struct vctx *c, const json_t *obj, const struct field *fields);

static int check_array(struct vctx *c, const json_t *arr, enum kind kind,
		       const struct field *sub)
{
	size_t i;
	const json_t *v;

	json_array_foreach(arr, i, v) {
		size_t mark = path_push(c, "[%zu]", i);
		int bad = 0;

		switch (kind) {
		case K_ARR_INT:
			if (!json_is_integer(v))
				bad = type_error(c, "integer", v);
			break;
		case K_ARR_NUM:
			if (!json_is_number(v))
				bad = type_error(c, "number", v);
			break;
		case K_ARR_STR:
			if (!json_is_string(v))
				bad = type_error(c, "string", v);
			break;
		case K_ARR_OBJ:
			if (!json_is_object(v))
				bad = type_error(c, "object", v);
			else
				bad = check_object(c, v, sub);
			break;
		default:
			break;
		}
		if (bad)
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

static int check_value(struct vctx *c, const json_t *v, const struct field *f)
{
	enum kind kind = (enum kind)(f->kind & KIND_MASK);

	if (json_is_null(v)) {
		if (f->nullable)
			return 0;
		return type_error(c, kind == K_OBJ ? "object" :
				  kind == K_INT ? "integer" :
				  kind == K_NUM ? "number" :
				  kind == K_STR ? "string" :
				  kind == K_BOOL ? "boolean" : "array", v);
	}
	switch (kind) {
	case K_INT:
		return json_is_integer(v) ? 0 : type_error(c, "integer", v);
	case K_NUM:
		return json_is_number(v) ? 0 : type_error(c, "number", v);
	case K_STR:
		return json_is_string(v) ? 0 : type_error(c, "string", v);
	case K_BOOL:
		return json_is_boolean(v) ? 0 : type_error(c, "boolean", v);
	case K_OBJ:
		if (!json_is_object(v))
			return type_error(c, "object", v);
		return check_object(c, v, f->sub);
	case K_ARR_INT:
	case K_ARR_NUM:
	case K_ARR_STR:
	case K_ARR_OBJ:
		if (!json_is_array(v))
			return type_error(c, "array", v);
		return check_array(c, v, kind, f->sub);
	}
	return 0;
}

static int check_object(struct vctx *c, const json_t *obj, const struct field *fields)
{
	for (const struct field *f = fields; f->key; f++) {
		const json_t *v = json_object_get(obj, f->key);

		if (((f->kind & SINCE_V2) && c->version < 2) ||
		    ((f->kind & V1_ONLY) && c->version > 1))
			continue;
		if (!v) {
			seterr(c->err, c->errlen, "%s%smissing required key '%s'",
			       c->path, c->path[0] ? ": " : "", f->key);
			return -1;
		}
		size_t mark = path_push_key(c, f->key);
		if (check_value(c, v, f))
			return -1;
		path_pop(c, mark);
	}
	return 0;
}

static bool str_in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* A string key whose value must be one of SET; types are already checked. */
static int check_enum(char *err, size_t errlen, const char *where, const json_t *obj,
		      const char *key, const char *const *set)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s && !str_in(s, set)) {
		seterr(err, errlen, "%s%s%s: unexpected value \"%s\"", where,
		       where[0] ? "." : "", key, s);
		return -1;
	}
	return 0;
}

/* A null object whose schema says "null with <name>_unavailable_reason". */
static int check_reason(char *err, size_t errlen, const char *where, const json_t *obj,
			const char *key)
{
	char reason_key[64];
	const json_t *reason;

	if (!json_is_null(json_object_get(obj, key)))
		return 0;
	snprintf(reason_key, sizeof(reason_key), "%s_unavailable_reason", key);
	reason = json_object_get(obj, reason_key);
	if (!json_is_string(reason)) {
		seterr(err, errlen, "%s.%s is null but %s is %s (a string is required)",
		       where, key, reason_key, reason ? json_type_name(reason) : "missing");
		return -1;
	}
	return 0;
}

/* Relations between keys of one point that the type tables cannot say. */
static int check_point_semantics(const json_t *p, size_t idx, char *err, size_t errlen)
{
	static const char *const statuses[] = { "ok", "failed", NULL };
	char where[32];
	json_int_t threads = json_integer_value(json_object_get(p, "threads"));
	json_int_t repeats = json_integer_value(json_object_get(p, "repeats"));
	size_t ncpus = json_array_size(json_object_get(p, "cpus"));
	size_t nthr = json_array_size(json_object_get(p, "per_thread"));
	size_t nrep = json_array_size(json_object_get(p, "per_repeat"));
	const json_t *tp = json_object_get(p, "throughput");

	snprintf(where, sizeof(where), "results[%zu]", idx);
	if (check_enum(err, errlen, where, p, "status", statuses) ||
	    check_reason(err, errlen, where, p, "hw") ||
	    check_reason(err, errlen, where, p, "perf_sw") ||
	    check_reason(err, errlen, where, p, "latency_ns") ||
	    check_reason(err, errlen, where, p, "hold_ns"))
		return -1;
	if (threads < 1) {
		seterr(err, errlen, "%s.threads: %lld is not a thread count", where,
		       (long long)threads);
		return -1;
	}
	if (repeats < 1) {
		seterr(err, errlen, "%s.repeats: %lld (a point holds only finished repeats, at least 1)",
		       where, (long long)repeats);
		return -1;
	}
	if (ncpus != (size_t)threads || nthr != (size_t)threads) {
		seterr(err, errlen, "%s: threads is %lld but cpus has %zu and per_thread %zu entries",
		       where, (long long)threads, ncpus, nthr);
		return -1;
	}
	if (nrep != (size_t)repeats) {
		seterr(err, errlen, "%s: repeats is %lld but per_repeat has %zu entries",
		       where, (long long)repeats, nrep);
		return -1;
	}
	/* The drift flag: machine_changed; files written before it have the
	 * old probe_moved (a probe moved > 25 %) instead. */
	const json_t *mc = json_object_get(p, "machine_changed");
	const json_t *pm = json_object_get(p, "probe_moved");
	if (!json_is_boolean(mc) && !json_is_boolean(pm)) {
		seterr(err, errlen, "%s: %s", where, mc ? "machine_changed: expected boolean"
			: "missing required key 'machine_changed' (or 'probe_moved' before it)");
		return -1;
	}
	/* regimes: absent (older files), null, or [{rtt_ns, repeats, median}]
	 * whose repeats add up to at most the point's. */
	const json_t *rg = json_object_get(p, "regimes"), *r;
	size_t k;
	json_int_t in_regimes = 0;
	if (rg && !json_is_null(rg) && !json_is_array(rg)) {
		seterr(err, errlen, "%s.regimes: expected array or null", where);
		return -1;
	}
	json_array_foreach(rg, k, r) {
		if (!json_is_number(json_object_get(r, "rtt_ns")) ||
		    !json_is_integer(json_object_get(r, "repeats")) ||
		    !json_is_number(json_object_get(r, "median"))) {
			seterr(err, errlen, "%s.regimes[%zu]: needs rtt_ns, repeats (integer) and "
			       "median", where, k);
			return -1;
		}
		in_regimes += json_integer_value(json_object_get(r, "repeats"));
	}
	if (in_regimes > repeats) {
		seterr(err, errlen, "%s.regimes: %lld repeats in regimes, the point has %lld",
		       where, (long long)in_regimes, (long long)repeats);
		return -1;
	}
	double med = json_number_value(json_object_get(tp, "median"));
	double lo = results_num(tp, "ci95_low"), hi = results_num(tp, "ci95_high");
	if (!(med >= 0)) {
		seterr(err, errlen, "%s.throughput.median: %g is negative", where, med);
		return -1;
	}
	/* NaN compares false, so a null bound passes. */
	if (lo > med || hi < med) {
		seterr(err, errlen, "%s.throughput: median %g lies outside [ci95_low %g, ci95_high %g]",
		       where, med, lo, hi);
		return -1;
	}
	return 0;
}

int results_validate(const json_t *root, char *err, size_t errlen)
{
	static const char *const tsc_sources[] = { "rdtsc", "cntvct_el0", "clock_gettime", NULL };
	static const char *const dists[] = { "fixed", "exp", NULL };
	struct vctx c = { .path = "", .err = err, .errlen = errlen };
	const json_t *ver, *results, *p;
	size_t i;

	if (!json_is_object(root)) {
		seterr(err, errlen, "top level: expected object, got %s",
		       root ? json_type_name(root) : "nothing");
		return -1;
	}
	/* The version first: a newer file may legitimately fail the v1 tables. */
	ver = json_object_get(root, "schema_version");
	if (json_is_integer(ver) && json_integer_value(ver) > RESULTS_SCHEMA_VERSION) {
		seterr(err, errlen, "schema_version %lld is newer than this reader knows (%d)",
		       (long long)json_integer_value(ver), RESULTS_SCHEMA_VERSION);
		return -1;
	}
	if (json_is_integer(ver) && json_integer_value(ver) < 1) {
		seterr(err, errlen, "schema_version %lld is not a version",
		       (long long)json_integer_value(ver));
		return -1;
	}
	c.version = json_is_integer(ver) ? (long)json_integer_value(ver) : 1;
	if (check_object(&c, root, top_fields))
		return -1;
	if (check_enum(err, errlen, "meta.tsc", json_object_get(json_object_get(root, "meta"), "tsc"),
		       "source", tsc_sources) ||
	    check_enum(err, errlen, "config", json_object_get(root, "config"), "cs_dist", dists))
		return -1;
	results = json_object_get(root, "results");
	json_array_foreach(results, i, p) {
		if (check_point_semantics(p, i, err, errlen))
			return -1;
	}
	return 0;
}

double results_num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static long int_at(const json_t *obj, const char *key)
{
	return (long)json_integer_value(json_object_get(obj, key));
}

static const char *str_at(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Count the CPUs of a list like "0-3,8,10-11"; 0 when it does not parse. */
static long cpulist_count(const char *s)
{
	long n = 0;

	while (s && *s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0)
			return 0;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return 0;
		}
		/* A range no long can count is not a CPU list (and n must not
		 * overflow: fuzz/regressions/results/allowed-cpus-overflow). */
		if (b - a >= LONG_MAX - n)
			return 0;
		n += b - a + 1;
		if (*end == ',')
			end++;
		else if (*end)
			return 0;
		s = end;
	}
	return n;
}

static void flatten_point(const json_t *j, struct result_point *p)
{
	const json_t *tp = json_object_get(j, "throughput");
	const json_t *fair = json_object_get(j, "fairness");
	const json_t *lat = json_object_get(j, "latency_ns");
	const json_t *csw = json_object_get(j, "csw_per_acq");

	p->json = j;
	p->lock = str_at(j, "lock");
	p->pin = str_at(j, "pin");
	p->threads = int_at(j, "threads");
	p->cs_ns = results_num(j, "cs_ns");
	p->ncs_ns = results_num(j, "ncs_ns");
	p->permits = int_at(j, "permits");
	p->nlocks = int_at(j, "nlocks");
	p->cs_lines = int_at(j, "cs_lines");
	p->repeats = int_at(j, "repeats");
	p->violations = int_at(j, "violations");
	p->failed = strcmp(str_at(j, "status"), "ok") != 0;
	p->oversubscribed = json_is_true(json_object_get(j, "oversubscribed"));
	p->noisy = json_is_true(json_object_get(j, "noisy"));
	/* machine_changed; probe_moved in files written before it */
	p->machine_changed = json_object_get(j, "machine_changed")
				     ? json_is_true(json_object_get(j, "machine_changed"))
				     : json_is_true(json_object_get(j, "probe_moved"));
	p->tput = results_num(tp, "median");
	p->tput_ci_low = results_num(tp, "ci95_low");
	p->tput_ci_high = results_num(tp, "ci95_high");
	p->tput_cv = results_num(tp, "cv");
	p->tput_ci_level = results_num(tp, "ci_level");
	p->ns_per_acq = results_num(j, "ns_per_acq");
	/* Wall time per acquisition: "cycles_per_acq" in schema 1 files. */
	p->cycles_per_acq = json_object_get(j, "wall_cycles_per_acq")
		? results_num(j, "wall_cycles_per_acq") : results_num(j, "cycles_per_acq");
	p->jain = results_num(fair, "jain");
	p->min_share = results_num(fair, "min_share");
	p->max_share = results_num(fair, "max_share");
	p->lat_p50 = results_num(lat, "p50");
	p->lat_p90 = results_num(lat, "p90");
	p->lat_p99 = results_num(lat, "p99");
	p->lat_p999 = results_num(lat, "p999");
	p->lat_max = results_num(lat, "max");
	p->csw_voluntary = results_num(csw, "voluntary");
	p->csw_involuntary = results_num(csw, "involuntary");
	p->migrations = int_at(j, "migrations");
	const json_t *starved = json_object_get(fair, "starved_threads");
	p->starved_threads = json_is_integer(starved) ? (long)json_integer_value(starved) : -1;
	p->cs_off_target = json_is_true(json_object_get(j, "cs_off_target"));
}

struct results_file *results_load(const char *path, char *err, size_t errlen)
{
	char why[384];
	json_error_t jerr;
	struct results_file *f;
	const json_t *tool, *name, *meta, *topo, *results, *ver;
	FILE *in;

	in = fopen(path, "r");
	if (!in) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		fclose(in);
		seterr(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	f->root = json_loadf(in, JSON_REJECT_DUPLICATES, &jerr);
	fclose(in);
	if (!f->root) {
		seterr(err, errlen, "%s: not JSON (line %d: %s)", path, jerr.line, jerr.text);
		goto fail;
	}
	/* Tell "someone else's JSON" apart from "a broken contend file". */
	tool = json_object_get(f->root, "tool");
	name = json_object_get(tool, "name");
	if (!json_is_object(f->root) || !json_is_string(name) ||
	    strcmp(json_string_value(name), "contend") != 0) {
		seterr(err, errlen, "%s: not a contend results file (no tool.name \"contend\")", path);
		goto fail;
	}
	ver = json_object_get(f->root, "schema_version");
	if (json_is_integer(ver) && json_integer_value(ver) > RESULTS_SCHEMA_VERSION) {
		seterr(err, errlen, "%s: schema_version %lld is newer than this contend reads (%d); upgrade contend",
		       path, (long long)json_integer_value(ver), RESULTS_SCHEMA_VERSION);
		goto fail;
	}
	if (results_validate(f->root, why, sizeof(why))) {
		seterr(err, errlen, "%s: invalid results file: %s", path, why);
		goto fail;
	}
	results = json_object_get(f->root, "results");
	if (json_array_size(results) == 0) {
		seterr(err, errlen, "%s: no points in results (the sweep finished none)", path);
		goto fail;
	}

	meta = json_object_get(f->root, "meta");
	topo = json_object_get(meta, "topology");
	f->path = strdup(path);
	f->hostname = str_at(meta, "hostname");
	f->cpu_model = str_at(meta, "cpu_model");
	f->timestamp = str_at(meta, "timestamp");
	f->cpus = cpulist_count(str_at(topo, "allowed_cpus"));
	if (f->cpus <= 0)
		f->cpus = int_at(topo, "pus");
	f->complete = json_is_true(json_object_get(f->root, "complete"));
	f->interrupted_by = str_at(f->root, "interrupted_by");
	f->npoints = json_array_size(results);
	f->points = calloc(f->npoints, sizeof(*f->points));
	if (!f->path || !f->points) {
		seterr(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < f->npoints; i++)
		flatten_point(json_array_get(results, i), &f->points[i]);
	return f;

fail:
	results_free(f);
	return NULL;
}

void results_free(struct results_file *f)
{
	if (!f)
		return;
	free(f->points);
	free(f->path);
	json_decref(f->root);
	free(f);
}

void results_machine_label(const struct results_file *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s, %ld CPU%s)", f->hostname,
		 f->cpu_model ? f->cpu_model : "CPU model unknown", f->cpus,
		 f->cpus == 1 ? "" : "s");
}

bool result_point_same_key(const struct result_point *a, const struct result_point *b)
{
	/* Exact comparison of cs/ncs is right: both come from the same sweep
	 * grammar and are written back as given, not computed. */
	return strcmp(a->lock, b->lock) == 0 && a->threads == b->threads &&
	       a->cs_ns == b->cs_ns && a->ncs_ns == b->ncs_ns &&
	       strcmp(a->pin, b->pin) == 0 && a->permits == b->permits &&
	       a->nlocks == b->nlocks && a->cs_lines == b->cs_lines;
}

void result_point_key_str(const struct result_point *p, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s threads=%ld cs=%g ncs=%g pin=%s", p->lock,
			 p->threads, p->cs_ns, p->ncs_ns, p->pin);

	if (n < 0 || (size_t)n >= len)
		return;
	if (p->permits != 1)
		n += snprintf(buf + n, len - n, " permits=%ld", p->permits);
	if (n >= 0 && (size_t)n < len && p->nlocks != 1)
		n += snprintf(buf + n, len - n, " nlocks=%ld", p->nlocks);
	if (n >= 0 && (size_t)n < len && p->cs_lines != 1)
		snprintf(buf + n, len - n, " cs_lines=%ld", p->cs_lines);
}
