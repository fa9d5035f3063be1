/*
 * reader.c - bench/results/reader.c against the committed fixtures.
 *
 * The strongest check is generic: every key present in a fixture's top level,
 * meta, config and first point is one SCHEMA.md requires, so deleting any of
 * them must make results_validate() fail and name that key; giving any of
 * them a value of the wrong type must fail too; and null must be accepted
 * exactly for the keys listed in nullable_paths[] (the policy of reader.h).
 * Then the specific rejections plot/report/compare rely on.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/unit.h"
#include "reader.h"

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : CONTEND_SRCDIR;
}

static void fixture(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/tests/data/%s", srcdir(), name);
}

static json_t *load_json(const char *name)
{
	char path[4096];
	json_error_t e;
	json_t *j;

	fixture(name, path, sizeof(path));
	j = json_load_file(path, 0, &e);
	if (!j) {
		bail_out("cannot load %s: %s", path, e.text);
	}
	return j;
}

/* Keys whose value may be null (reader.h's null policy), as paths with the
 * array index replaced by []. Everything else present in the fixture must
 * reject null. */
static const char *const nullable_paths[] = {
	"tool.git_revision", "interrupted_by",
	"meta.cpu_model", "meta.governor", "meta.topology.caches.l1d_bytes",
	"meta.topology.caches.l2_bytes", "meta.topology.caches.l3_bytes",
	"meta.tsc.read_cost_ns", "meta.perf.hardware_unavailable_reason", "meta.numa.note",
	"results[].throughput.ci95_low", "results[].throughput.ci95_high",
	"results[].throughput.ci_level", "results[].throughput.cv",
	"results[].ns_per_acq", "results[].cycles_per_acq",
	"results[].fairness.jain", "results[].fairness.min_share", "results[].fairness.max_share",
	"results[].handoff.same_thread_share",
	"results[].latency_ns.p50", "results[].latency_ns.p90", "results[].latency_ns.p99",
	"results[].latency_ns.p999", "results[].latency_ns.max",
	"results[].hold_ns.p50", "results[].hold_ns.p90", "results[].hold_ns.p99",
	"results[].hold_ns.p999", "results[].hold_ns.max",
	"results[].csw_per_acq.voluntary", "results[].csw_per_acq.involuntary",
	/* results[].perf_sw: null only with perf_sw_unavailable_reason, which
	 * the fixture lacks; test_specific() covers it. */
	"results[].perf_sw.context_switches",
	"results[].perf_sw.cpu_migrations", "results[].hw",
	"results[].lock_stats.futex_waits", "results[].lock_stats.futex_wakes",
	"results[].lock_stats.spins", "results[].lock_stats.spin_fails",
	"results[].harness.timed_share", "results[].harness.overhead_share",
	"results[].per_repeat[].jain",
	"results[].per_repeat[].probe_before.rtt_ns", "results[].per_repeat[].probe_before.speed_ns",
	"results[].per_repeat[].probe_after.rtt_ns", "results[].per_repeat[].probe_after.speed_ns",
	"results[].per_thread[].futex_waits", "results[].per_thread[].futex_wakes",
	"results[].per_thread[].spins",
	NULL,
};

static void generic_path(const char *path, char *out, size_t len)
{
	size_t o = 0;

	for (const char *s = path; *s && o + 3 < len; s++) {
		out[o++] = *s;
		if (*s == '[') {
			while (*s && *s != ']')
				s++;
			out[o++] = ']';
		}
	}
	out[o] = '\0';
}

static bool is_nullable(const char *path)
{
	char g[256];

	generic_path(path, g, sizeof(g));
	for (const char *const *p = nullable_paths; *p; p++)
		if (strcmp(*p, g) == 0)
			return true;
	return false;
}

/* A value of a different JSON type than v, so a type check must trip. */
static json_t *wrong_type(const json_t *v)
{
	if (json_is_string(v))
		return json_integer(7);
	if (json_is_integer(v))
		return json_string("7");
	if (json_is_real(v))
		return json_string("7.5");
	if (json_is_boolean(v))
		return json_integer(1);
	if (json_is_object(v))
		return json_array();
	if (json_is_array(v))
		return json_object();
	return json_array(); /* null in the fixture: no nullable key is an array */
}

static int mutations;

/*
 * Walk OBJ (inside ROOT) and, for every key: delete it, retype it, null it,
 * check the verdict, and restore it. Arrays: only the first element is
 * walked (the rest are the same shape), and the validator must also reject an
 * element of the wrong type.
 */
static void walk(json_t *root, json_t *obj, const char *path)
{
	char err[512], sub[256];
	const char *k;
	json_t *v, *tmp;
	/* Keys are collected first: a deleted and re-added key moves to the end
	 * of jansson's iteration order, so iterating live would revisit it. */
	json_t *keys = json_array();

	json_object_foreach(obj, k, v)
		json_array_append_new(keys, json_string(k));
	for (size_t ki = 0; ki < json_array_size(keys); ki++) {
		const char *key = json_string_value(json_array_get(keys, ki));

		v = json_object_get(obj, key);
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
		json_incref(v);

		/* hw_unavailable_reason is required only while hw is null; the
		 * fixture's hw is null, so deleting the reason must still fail. */
		json_object_del(obj, key);
		int rc = results_validate(root, err, sizeof(err));
		CHECK(rc != 0 && strstr(err, key), "deleting %s: rc %d, err '%s'", sub, rc,
		      rc ? err : "");

		tmp = wrong_type(v);
		json_object_set_new(obj, key, tmp);
		rc = results_validate(root, err, sizeof(err));
		CHECK(rc != 0, "%s as %s was accepted", sub,
		      json_is_string(tmp) ? "string" : "another type");

		json_object_set_new(obj, key, json_null());
		rc = results_validate(root, err, sizeof(err));
		if (strcmp(sub, "schema_version") != 0 && !strstr(sub, "unavailable_reason")) {
			bool want_ok = is_nullable(sub);
			CHECK((rc == 0) == want_ok, "%s = null: %s (%s)", sub,
			      rc == 0 ? "accepted" : "rejected", rc ? err : "null should be rejected");
		}

		json_object_set(obj, key, v);
		mutations++;
		if (json_is_object(v)) {
			walk(root, v, sub);
		} else if (json_is_array(v) && json_array_size(v) > 0) {
			json_t *first = json_array_get(v, 0);
			snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "[0]");
			json_incref(first);
			json_array_set_new(v, 0, wrong_type(first));
			rc = results_validate(root, err, sizeof(err));
			CHECK(rc != 0 && strstr(err, sub), "%s of the wrong type: rc %d err '%s'",
			      sub, rc, rc ? err : "");
			json_array_set(v, 0, first);
			if (json_is_object(first))
				walk(root, first, sub);
			json_decref(first);
		}
		json_decref(v);
	}
	json_decref(keys);
}

static void test_generic(void)
{
	char err[512];
	json_t *root = load_json("sweep-alpha.json");
	json_t *results = json_object_get(root, "results");

	CHECK(results_validate(root, err, sizeof(err)) == 0, "fixture invalid: %s", err);
	/* Keep one point so the walk is quick; the shape of all points is equal. */
	while (json_array_size(results) > 1)
		json_array_remove(results, 1);
	walk(root, root, "");
	CHECK(results_validate(root, err, sizeof(err)) == 0, "fixture not restored: %s", err);
	case_done("generic: %d deletions/retypes/nulls of fixture keys judged as SCHEMA.md says",
		  mutations);
	json_decref(root);
}

static void test_specific(void)
{
	char err[512];
	json_t *root = load_json("compare-base.json");
	json_t *p0 = json_array_get(json_object_get(root, "results"), 0);

	/* Unknown keys anywhere are later minor additions: accepted. */
	json_object_set_new(root, "future_top", json_true());
	json_object_set_new(json_object_get(root, "meta"), "future_meta", json_integer(1));
	json_object_set_new(p0, "future_point", json_string("x"));
	json_object_set_new(json_object_get(p0, "throughput"), "mean", json_real(1.0));
	CHECK(results_validate(root, err, sizeof(err)) == 0,
	      "unknown keys rejected: %s", err);

	/* An integer where a number is asked for is fine; a real where an
	 * integer is asked for is not. */
	json_object_set_new(p0, "cs_ns", json_integer(100));
	CHECK(results_validate(root, err, sizeof(err)) == 0, "integer cs_ns rejected: %s", err);
	json_object_set_new(p0, "threads", json_real(1.0));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "results[0].threads"),
	      "real threads accepted (err '%s')", err);
	json_object_set_new(p0, "threads", json_integer(1));

	json_object_set_new(p0, "status", json_string("bogus"));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "bogus"),
	      "status bogus accepted");
	json_object_set_new(p0, "status", json_string("failed"));
	CHECK(results_validate(root, err, sizeof(err)) == 0, "status failed rejected: %s", err);
	json_object_set_new(p0, "status", json_string("ok"));

	json_object_set_new(p0, "threads", json_integer(2));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "per_thread"),
	      "threads 2 with one cpu accepted (err '%s')", err);
	json_object_set_new(p0, "threads", json_integer(1));

	json_object_set_new(json_object_get(p0, "throughput"), "median", json_real(1e9));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "outside"),
	      "median outside its interval accepted (err '%s')", err);
	json_object_set_new(json_object_get(p0, "throughput"), "median", json_real(1e7));

	json_object_set_new(p0, "perf_sw", json_null());
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "perf_sw_unavailable_reason"),
	      "perf_sw null without reason accepted (err '%s')", err);
	json_object_set_new(p0, "perf_sw_unavailable_reason", json_string("EACCES"));
	CHECK(results_validate(root, err, sizeof(err)) == 0, "perf_sw null with reason: %s", err);

	json_object_set_new(json_object_get(root, "config"), "cs_dist", json_string("normal"));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "cs_dist"),
	      "cs_dist normal accepted");
	json_object_set_new(json_object_get(root, "config"), "cs_dist", json_string("exp"));

	json_object_set_new(root, "schema_version", json_integer(4));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "newer"),
	      "schema_version 4 not reported as newer (err '%s')", err);
	/* Version 2 renamed cycles_per_acq: a v1 point read as v2 lacks the
	 * new name, and a v2 point must not carry the old one's duty. */
	json_object_set_new(root, "schema_version", json_integer(2));
	CHECK(results_validate(root, err, sizeof(err)) != 0 && strstr(err, "wall_cycles_per_acq"),
	      "a v1 point accepted as schema 2 (err '%s')", err);
	json_object_set_new(root, "schema_version", json_integer(0));
	CHECK(results_validate(root, err, sizeof(err)) != 0, "schema_version 0 accepted");
	json_object_set_new(root, "schema_version", json_integer(1));

	/* An interrupted sweep with no finished point is a valid file ... */
	json_array_clear(json_object_get(root, "results"));
	CHECK(results_validate(root, err, sizeof(err)) == 0, "empty results invalid: %s", err);
	json_t *array = json_array();
	CHECK(results_validate(array, err, sizeof(err)) != 0, "an array accepted");
	json_decref(array);
	CHECK(results_validate(NULL, NULL, 0) != 0, "NULL accepted");
	json_decref(root);
	case_done("specific: unknown keys, schema versions, empty results, not an object");
}

static void expect_load_error(const char *name, const char *want)
{
	char path[4096], err[512] = "";
	struct results_file *f;

	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		fixture(name, path, sizeof(path));
	f = results_load(path, err, sizeof(err));
	CHECK(!f && strstr(err, path) && strstr(err, want) && !strchr(err, '\n'),
	      "%s: want one-line error naming the file with '%s', got '%s'", name, want, err);
	results_free(f);
}

static void test_load(void)
{
	char path[4096], err[512], label[256], key[256];
	struct results_file *f;

	/* ... but there is nothing to plot in it. */
	expect_load_error("bad-empty-results.json", "no points");
	expect_load_error("bad-newer-schema.json", "newer");
	expect_load_error("bad-other-tool.json", "not a contend results file");
	expect_load_error("bad-not-json.json", "not JSON");
	expect_load_error("/nonexistent/contend-results.json", "No such file");

	fixture("sweep-alpha.json", path, sizeof(path));
	f = results_load(path, err, sizeof(err));
	CHECK(f != NULL, "load sweep-alpha: %s", err);
	if (!f)
		return;
	CHECK(f->npoints == 32, "sweep-alpha has %zu points, want 32", f->npoints);
	CHECK(f->cpus == 2, "cpus %ld, want 2 (allowed_cpus 0-1)", f->cpus);
	results_machine_label(f, label, sizeof(label));
	CHECK(strcmp(label, "alpha (AMD EPYC 7B13, 2 CPUs)") == 0, "label '%s'", label);

	size_t failed = 0, null_p99 = 0, null_cv = 0, over = 0;
	for (size_t i = 0; i < f->npoints; i++) {
		const struct result_point *p = &f->points[i];
		failed += p->failed;
		null_p99 += isnan(p->lat_p99);
		null_cv += isnan(p->tput_cv);
		over += p->oversubscribed;
		CHECK(p->tput > 0 && p->tput_ci_low <= p->tput && p->tput <= p->tput_ci_high,
		      "point %zu throughput %g [%g, %g]", i, p->tput, p->tput_ci_low, p->tput_ci_high);
	}
	/* What the fixture generator planted: one failed point, one point with
	 * no latency samples, one with cv null; threads 4 and 8 on 2 CPUs. */
	CHECK(failed == 1, "%zu failed points, want 1", failed);
	CHECK(null_p99 == 1, "%zu null p99, want 1", null_p99);
	CHECK(null_cv == 1, "%zu null cv, want 1", null_cv);
	CHECK(over == 16, "%zu oversubscribed points, want 16", over);
	/* A schema 1 file's cycles_per_acq is the wall time per acquisition
	 * that schema 2 calls wall_cycles_per_acq: read into the same field. */
	CHECK(isfinite(f->points[0].cycles_per_acq) && f->points[0].cycles_per_acq ==
	      results_num(f->points[0].json, "cycles_per_acq"),
	      "v1 cycles_per_acq read: %g", f->points[0].cycles_per_acq);

	CHECK(result_point_same_key(&f->points[0], &f->points[0]), "a point differs from itself");
	CHECK(!result_point_same_key(&f->points[0], &f->points[1]), "points 0 and 1 share a key");
	result_point_key_str(&f->points[0], key, sizeof(key));
	CHECK(strcmp(key, "mcs threads=1 cs=100 ncs=0 pin=compact") == 0, "key '%s'", key);
	results_free(f);

	/* The 4-CPU machine with a null cpu_model must still get a label. */
	json_t *root = load_json("sweep-beta.json");
	json_object_set_new(json_object_get(root, "meta"), "cpu_model", json_null());
	json_object_set_new(json_object_get(json_object_get(root, "meta"), "topology"),
			    "allowed_cpus", json_string("0,2-3"));
	CHECK(results_validate(root, err, sizeof(err)) == 0, "null cpu_model rejected: %s", err);
	json_decref(root);
	case_done("load: load errors, flattened points, labels and keys");
}

/* A padded CPU model (a brand string padded to its 48 bytes, as in the
 * reference results) is tidied for every title made from a file. */
static void test_cpu_model(void)
{
	json_t *meta = json_pack("{s:s}", "cpu_model", "  Turin-like Processor  \t           ");
	results_tidy_cpu_model(meta);
	const char *m = json_string_value(json_object_get(meta, "cpu_model"));
	CHECK(m && strcmp(m, "Turin-like Processor") == 0, "padded CPU model tidied: '%s'", m);
	json_object_set_new(meta, "cpu_model", json_string("AMD   EPYC 7B13"));
	results_tidy_cpu_model(meta);
	m = json_string_value(json_object_get(meta, "cpu_model"));
	CHECK(m && strcmp(m, "AMD EPYC 7B13") == 0, "inner runs of blanks made one: '%s'", m);
	json_decref(meta);
}

int main(void)
{
	test_cpu_model();
	test_generic();
	test_specific();
	test_load();
	return done_testing();
}
