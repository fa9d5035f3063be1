/*
 * reader_validate.c - results_validate() (reader.h): a parsed document
 * checked against the schema's tables (reader_schema.c), key by key with
 * the path of the first offence, then the relations between keys of a
 * point that the tables cannot say.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errmsg.h"
#include "reader.h"
#include "reader_schema.h"

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

static int check_object(struct vctx *c, const json_t *obj, const struct schema_field *fields);

static int check_array(struct vctx *c, const json_t *arr, enum schema_kind kind,
		       const struct schema_field *sub)
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

static int check_value(struct vctx *c, const json_t *v, const struct schema_field *f)
{
	enum schema_kind kind = (enum schema_kind)(f->kind & KIND_MASK);

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

static int check_object(struct vctx *c, const json_t *obj, const struct schema_field *fields)
{
	for (const struct schema_field *f = fields; f->key; f++) {
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
	if (check_object(&c, root, results_top_fields))
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

