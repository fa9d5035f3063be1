/*
 * topo_span.c - pin plans, cpus_span and boundaries on synthetic topologies
 * shaped like real servers (issue 23): a 2-package EPYC-like (4 NUMA nodes
 * of 4 L3s of 8 SMT cores per package: 512 PUs), an 80-core single-node
 * Arm-like without SMT or an L3 hwloc knows, and a 2-package SMT Xeon-like
 * (one L3 and one node per package). Synthetic PUs are numbered 0..n-1 in
 * topology order, so the expected CPUs follow from the shape alone.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "topo_span_json.h"
#include "../lib/unit.h"

#define EPYC "pack:2 numa:4 l3:4 core:8 pu:2"
#define ARM "pack:1 numa:1 core:80 pu:1"
#define XEON "pack:2 numa:1 l3:1 core:20 pu:2"

static struct topo *load(const char *source)
{
	char err[512];
	struct topo *t;

	if (topo_load(&t, source, err, sizeof(err)) != 0)
		bail_out("topo_load(%s): %s", source, err);
	return t;
}

static int *plan(const struct topo *t, const char *policy, unsigned n)
{
	int *cpus = calloc(n, sizeof(*cpus));
	char err[512] = "";

	if (cpus == NULL || topo_plan(t, policy, n, true, cpus, err, sizeof(err)) != 0)
		bail_out("topo_plan(%s, %u): %s", policy, n, err);
	return cpus;
}

static struct topo_span span_of(const struct topo *t, const char *policy, unsigned n)
{
	int *cpus = plan(t, policy, n);
	struct topo_span sp;

	CHECK(topo_span(t, cpus, n, &sp) == 0, "topo_span(%s, %u) failed", policy, n);
	free(cpus);
	return sp;
}

#define SPAN_IS(sp, p, c, sh, l, pk, nd)                                          \
	CHECK((sp).pus == (p) && (sp).cores == (c) && (sp).smt_shared_cores == (sh) && \
	      (sp).l3 == (l) && (sp).packages == (pk) && (sp).numa_nodes == (nd),      \
	      "span pus %u cores %u shared %u l3 %d packages %u nodes %u",              \
	      (sp).pus, (sp).cores, (sp).smt_shared_cores, (sp).l3, (sp).packages,      \
	      (sp).numa_nodes)

struct bset {
	struct topo_boundary b[1024];
	int n;
	unsigned count[TOPO_LEVEL_PACKAGE + 1];
};

static void bounds(const struct topo *t, const char *policy, struct bset *s)
{
	char err[256] = "";
	bool unpinned;

	memset(s, 0, sizeof(*s));
	s->n = topo_boundaries(t, policy, s->b, 1024, &unpinned, err, sizeof(err));
	CHECK(s->n >= 0 && !unpinned, "topo_boundaries(%s): %d %s", policy, s->n, err);
	for (int i = 0; i < s->n; i++)
		s->count[s->b[i].level]++;
}

/* The boundary at thread count T, or NULL. */
static const struct topo_boundary *at(const struct bset *s, unsigned threads)
{
	for (int i = 0; i < s->n; i++)
		if (s->b[i].threads == threads)
			return &s->b[i];
	return NULL;
}

static void expect(const struct bset *s, unsigned threads, enum topo_level level,
		   unsigned ordinal, const char *text)
{
	const struct topo_boundary *b = at(s, threads);

	CHECK(b != NULL && b->level == level && b->ordinal == ordinal &&
	      (text == NULL || strcmp(b->text, text) == 0),
	      "at %u threads: want %s #%u '%s', got %s #%u '%s'", threads,
	      topo_level_name(level), ordinal, text ? text : "", b ? topo_level_name(b->level) : "none",
	      b ? b->ordinal : 0, b ? b->text : "");
}

static void epyc(void)
{
	struct topo *t = load(EPYC);
	struct bset s;

	CHECK(topo_pus(t) == 512 && topo_cores(t) == 256 && topo_packages(t) == 2 &&
	      topo_numa_nodes(t) == 8 && topo_smt(t), "shape %u PUs %u cores %u pkgs %u nodes",
	      topo_pus(t), topo_cores(t), topo_packages(t), topo_numa_nodes(t));
	case_done("EPYC-like %s: 512 PUs, 256 cores, 2 packages, 8 nodes, SMT", EPYC);

	/* compact: siblings first, 16 PUs per L3, 64 per node, 256 per package */
	int *c = plan(t, "compact", 512);
	CHECK(c[0] == 0 && c[1] == 1 && c[16] == 16 && c[511] == 511, "compact order");
	free(c);
	SPAN_IS(span_of(t, "compact", 16), 16, 8, 8, 1, 1, 1);
	SPAN_IS(span_of(t, "compact", 17), 17, 9, 8, 2, 1, 1);
	SPAN_IS(span_of(t, "compact", 512), 512, 256, 256, 32, 2, 8);
	bounds(t, "compact", &s);
	expect(&s, 2, TOPO_LEVEL_SMT, 2, "2nd thread: first on a core's 2nd hardware thread (SMT sibling)");
	expect(&s, 3, TOPO_LEVEL_CORE, 2, "3rd thread: first on the 2nd core");
	expect(&s, 17, TOPO_LEVEL_L3, 2, "17th thread: first on the 2nd L3");
	expect(&s, 65, TOPO_LEVEL_NUMA, 2, "65th thread: first on the 2nd NUMA node");
	expect(&s, 257, TOPO_LEVEL_PACKAGE, 2, "257th thread: first on the 2nd package");
	CHECK(at(&s, 1) == NULL && at(&s, 4) == NULL && at(&s, 18) == NULL,
	      "no boundary at 1, 4 (2nd sibling of core 2) or 18 (same core as 17)");
	CHECK(s.n == 256 && s.count[TOPO_LEVEL_SMT] == 1 && s.count[TOPO_LEVEL_PACKAGE] == 1 &&
	      s.count[TOPO_LEVEL_NUMA] == 6 && s.count[TOPO_LEVEL_L3] == 24 &&
	      s.count[TOPO_LEVEL_CORE] == 224,
	      "compact counts: %d in all, smt %u core %u l3 %u numa %u package %u", s.n,
	      s.count[TOPO_LEVEL_SMT], s.count[TOPO_LEVEL_CORE], s.count[TOPO_LEVEL_L3],
	      s.count[TOPO_LEVEL_NUMA], s.count[TOPO_LEVEL_PACKAGE]);
	case_done("EPYC-like compact: plan, spans at 16/17/512 threads, boundaries");

	/* scatter: packages, then nodes, then L3s, then cores, siblings last */
	c = plan(t, "scatter", 512);
	CHECK(c[0] == 0 && c[1] == 256 && c[256] % 2 == 1 && c[255] % 2 == 0,
	      "scatter order: %d %d %d %d", c[0], c[1], c[255], c[256]);
	free(c);
	SPAN_IS(span_of(t, "scatter", 2), 2, 2, 0, 2, 2, 2);
	SPAN_IS(span_of(t, "scatter", 16), 16, 16, 0, 16, 2, 8);
	SPAN_IS(span_of(t, "scatter", 257), 257, 256, 1, 32, 2, 8);
	bounds(t, "scatter", &s);
	expect(&s, 2, TOPO_LEVEL_PACKAGE, 2, NULL);
	expect(&s, 3, TOPO_LEVEL_NUMA, 3, NULL);
	expect(&s, 8, TOPO_LEVEL_NUMA, 8, NULL);
	expect(&s, 9, TOPO_LEVEL_L3, 9, "9th thread: first on the 9th L3");
	expect(&s, 32, TOPO_LEVEL_L3, 32, NULL);
	expect(&s, 33, TOPO_LEVEL_CORE, 33, NULL);
	expect(&s, 257, TOPO_LEVEL_SMT, 2, NULL);
	CHECK(s.n == 256 && at(&s, 258) == NULL, "scatter: %d boundaries", s.n);
	case_done("EPYC-like scatter: plan, spans at 2/16/257 threads, boundaries");

	/* cores: one PU per core, package 0's cores first */
	SPAN_IS(span_of(t, "cores", 9), 9, 9, 0, 2, 1, 1);
	SPAN_IS(span_of(t, "cores", 129), 129, 129, 0, 17, 2, 5);
	bounds(t, "cores", &s);
	expect(&s, 2, TOPO_LEVEL_CORE, 2, NULL);
	expect(&s, 9, TOPO_LEVEL_L3, 2, "9th thread: first on the 2nd L3");
	expect(&s, 33, TOPO_LEVEL_NUMA, 2, NULL);
	expect(&s, 129, TOPO_LEVEL_PACKAGE, 2, NULL);
	expect(&s, 257, TOPO_LEVEL_SMT, 2, NULL);
	case_done("EPYC-like cores: spans at 9/129 threads, boundaries");
	topo_free(t);
}

static void arm(void)
{
	struct topo *t = load(ARM);
	struct bset s;

	CHECK(topo_pus(t) == 80 && topo_cores(t) == 80 && !topo_smt(t) &&
	      topo_numa_nodes(t) == 1, "shape");
	/* hwloc knows no L3 here: unknown, never "one L3" */
	SPAN_IS(span_of(t, "compact", 80), 80, 80, 0, -1, 1, 1);
	SPAN_IS(span_of(t, "scatter", 3), 3, 3, 0, -1, 1, 1);
	bounds(t, "compact", &s);
	CHECK(s.n == 79 && s.count[TOPO_LEVEL_CORE] == 79, "compact: %d boundaries", s.n);
	expect(&s, 80, TOPO_LEVEL_CORE, 80, "80th thread: first on the 80th core");
	bounds(t, "cores", &s);
	CHECK(s.n == 79 && s.count[TOPO_LEVEL_L3] == 0 && s.count[TOPO_LEVEL_SMT] == 0,
	      "cores: %d boundaries", s.n);
	case_done("Arm-like %s: every thread a new core, L3 unknown (null)", ARM);

	/* oversubscribed: threads stacked on a CPU count once */
	int *c = plan(t, "compact", 160);
	struct topo_span sp;
	CHECK(topo_span(t, c, 160, &sp) == 0 && sp.pus == 80 && sp.cores == 80 &&
	      sp.smt_shared_cores == 0, "160 threads on 80 CPUs: pus %u", sp.pus);
	free(c);
	case_done("Arm-like: 2x oversubscribed span counts each CPU once, no SMT sharing");
	topo_free(t);
}

static void xeon(void)
{
	struct topo *t = load(XEON);
	struct bset s;

	CHECK(topo_pus(t) == 80 && topo_cores(t) == 40 && topo_packages(t) == 2 &&
	      topo_numa_nodes(t) == 2, "shape");
	SPAN_IS(span_of(t, "compact", 41), 41, 21, 20, 2, 2, 2);
	SPAN_IS(span_of(t, "cores", 20), 20, 20, 0, 1, 1, 1);
	SPAN_IS(span_of(t, "cores", 41), 41, 40, 1, 2, 2, 2);
	bounds(t, "compact", &s);
	expect(&s, 2, TOPO_LEVEL_SMT, 2, NULL);
	expect(&s, 41, TOPO_LEVEL_PACKAGE, 2, "41st thread: first on the 2nd package");
	bounds(t, "cores", &s);
	expect(&s, 21, TOPO_LEVEL_PACKAGE, 2, "21st thread: first on the 2nd package");
	expect(&s, 41, TOPO_LEVEL_SMT, 2, NULL);
	CHECK(s.n == 40, "cores: %d boundaries", s.n);
	bounds(t, "scatter", &s);
	expect(&s, 2, TOPO_LEVEL_PACKAGE, 2, NULL);
	expect(&s, 3, TOPO_LEVEL_CORE, 3, NULL);
	expect(&s, 41, TOPO_LEVEL_SMT, 2, NULL);
	/* a CPU list: the listed order */
	bounds(t, "0,2,1,40", &s);
	CHECK(s.n == 3, "list: %d boundaries", s.n);
	expect(&s, 2, TOPO_LEVEL_CORE, 2, NULL);
	expect(&s, 3, TOPO_LEVEL_SMT, 2, NULL);
	expect(&s, 4, TOPO_LEVEL_PACKAGE, 2, NULL);
	case_done("Xeon-like %s: spans and boundaries under compact, cores, scatter, a list", XEON);

	/* unpinned: no span, no boundaries; negative control for topo_span */
	int none[3] = { -1, -1, -1 };
	struct topo_span sp;
	bool unpinned = false;
	struct topo_boundary b[4];
	CHECK(topo_span(t, none, 3, &sp) == -1, "unpinned span must fail");
	CHECK(topo_boundaries(t, "none", b, 4, &unpinned, NULL, 0) == 0 && unpinned,
	      "none: no boundaries, unpinned");
	int bad[1] = { 999 };
	CHECK(topo_span(t, bad, 1, &sp) == -1, "a CPU outside the topology must fail");
	char err[256] = "";
	CHECK(topo_boundaries(t, "0,999", b, 4, &unpinned, err, sizeof(err)) == -1 &&
	      strstr(err, "--pin") != NULL, "bad list: %s", err);
	case_done("unpinned and invalid CPUs: no span, no boundaries");

	/* the JSON: integers, null with a reason when unpinned */
	json_t *p = json_object();
	topo_span_json_set(p, t, none, 3);
	CHECK(json_is_null(json_object_get(p, "cpus_span")) &&
	      json_is_string(json_object_get(p, "cpus_span_unavailable_reason")), "unpinned json");
	int two[2] = { 0, 1 };
	topo_span_json_set(p, t, two, 2);
	const json_t *o = json_object_get(p, "cpus_span");
	CHECK(json_integer_value(json_object_get(o, "pus")) == 2 &&
	      json_integer_value(json_object_get(o, "cores")) == 1 &&
	      json_integer_value(json_object_get(o, "smt_shared_cores")) == 1 &&
	      json_integer_value(json_object_get(o, "l3")) == 1 &&
	      json_integer_value(json_object_get(o, "packages")) == 1 &&
	      json_integer_value(json_object_get(o, "numa_nodes")) == 1, "span json");
	json_decref(p);
	json_t *doc = json_object();
	topo_boundaries_json_set(doc, t, "cores");
	const json_t *arr = json_object_get(doc, "boundaries"), *b21 = json_array_get(arr, 19);
	CHECK(json_array_size(arr) == 40 &&
	      json_integer_value(json_object_get(b21, "threads")) == 21 &&
	      strcmp(json_string_value(json_object_get(b21, "level")), "package") == 0 &&
	      json_integer_value(json_object_get(b21, "ordinal")) == 2, "boundaries json");
	topo_boundaries_json_set(doc, t, "none");
	CHECK(json_is_null(json_object_get(doc, "boundaries")) &&
	      json_is_string(json_object_get(doc, "boundaries_unavailable_reason")), "none json");
	json_decref(doc);
	case_done("cpus_span and boundaries as results JSON");
	topo_free(t);
}

int main(void)
{
	char buf[16];

	topo_ordinal(1, buf, sizeof(buf));
	CHECK(strcmp(buf, "1st") == 0, "%s", buf);
	topo_ordinal(12, buf, sizeof(buf));
	CHECK(strcmp(buf, "12th") == 0, "%s", buf);
	topo_ordinal(23, buf, sizeof(buf));
	CHECK(strcmp(buf, "23rd") == 0, "%s", buf);
	topo_ordinal(111, buf, sizeof(buf));
	CHECK(strcmp(buf, "111th") == 0, "%s", buf);
	case_done("ordinals");
	epyc();
	arm();
	xeon();
	return done_testing();
}
