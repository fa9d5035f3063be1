/*
 * reader.c - load contend results JSON (see reader.h and results/SCHEMA.md):
 * open, parse, validate (reader_validate.c, against the tables of
 * reader_schema.c) and flatten each point into struct result_point; and the
 * small helpers that name a machine and a point.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "cpuinfo.h"
#include "reader.h"

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

void result_point_decode(const json_t *j, struct result_point *p)
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
	/* machine_changed; probe_moved in files written before it (schema 1) */
	const json_t *changed = json_object_get(j, "machine_changed");
	p->machine_changed = json_is_boolean(changed) ? json_is_true(changed)
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
	p->regimes = json_array_size(json_object_get(j, "regimes"));
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
	results_tidy_cpu_model((json_t *)meta); /* the file's own document */
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
		result_point_decode(json_array_get(results, i), &f->points[i]);
	return f;

fail:
	results_free(f);
	return NULL;
}

/* Files written before the harness tidied the model carry its padding:
 * tidied once here, in the document, for every title made from it. */
void results_tidy_cpu_model(json_t *meta)
{
	json_t *m = json_object_get(meta, "cpu_model");
	if (!json_is_string(m))
		return;
	char *s = strdup(json_string_value(m));
	if (s) {
		cpuinfo_tidy_model(s);
		json_string_set(m, s);
		free(s);
	}
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

bool results_lock_listed(const char *const *locks, size_t n, const char *lock)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(locks[i], lock) == 0)
			return true;
	return false;
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

