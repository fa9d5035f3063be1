/*
 * topo_span.c - what a point's CPUs span (cores, SMT siblings, L3 domains,
 * packages, NUMA nodes) and where, along a pin policy's order, a thread is
 * the first on a new domain: the topology boundaries that lock curves knee
 * at on real servers. See topo.h.
 *
 * The L3 of a CPU is read from hwloc here rather than kept in struct
 * topo_cpu: only these two questions ask for it, and a topology whose
 * caches hwloc does not know (some VMs, synthetic descriptions without an
 * l3 level) must say "unknown", not "one L3".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "topo.h"
#include "topo_internal.h"

const char *topo_level_name(enum topo_level level)
{
	switch (level) {
	case TOPO_LEVEL_SMT: return "smt";
	case TOPO_LEVEL_CORE: return "core";
	case TOPO_LEVEL_L3: return "l3";
	case TOPO_LEVEL_NUMA: return "numa";
	case TOPO_LEVEL_PACKAGE: return "package";
	}
	return "?";
}

/* 1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd". */
void topo_ordinal(unsigned n, char *buf, size_t len)
{
	const char *suffix = "th";

	if (n % 100 < 11 || n % 100 > 13) {
		if (n % 10 == 1)
			suffix = "st";
		else if (n % 10 == 2)
			suffix = "nd";
		else if (n % 10 == 3)
			suffix = "rd";
	}
	snprintf(buf, len, "%u%s", n, suffix);
}

static const struct topo_cpu *cpu_entry(const struct topo *t, int cpu)
{
	for (size_t i = 0; i < t->ncpus; i++)
		if (t->cpus[i].cpu == cpu)
			return &t->cpus[i];
	return NULL;
}

/* Logical index of the L3 cache above cpu; -1 when hwloc knows none. */
static int cpu_l3(const struct topo *t, int cpu)
{
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t->hw, (unsigned)cpu);
	hwloc_obj_t l3 = pu ? hwloc_get_ancestor_obj_by_type(t->hw, HWLOC_OBJ_L3CACHE, pu) : NULL;

	return l3 != NULL ? (int)l3->logical_index : -1;
}

/* Whether v is among the first n entries of seen; adds it when not. */
static bool seen_add(int *seen, unsigned *n, int v)
{
	for (unsigned i = 0; i < *n; i++)
		if (seen[i] == v)
			return false;
	seen[(*n)++] = v;
	return true;
}

int topo_span(const struct topo *t, const int *cpus, unsigned n, struct topo_span *out)
{
	/* Each CPU appears at most once per set, so t->ncpus bounds them all. */
	int *buf = malloc(6 * (t->ncpus + 1) * sizeof(*buf));
	int *pus = buf, *cores = buf + t->ncpus + 1, *shared = cores + t->ncpus + 1,
	    *l3s = shared + t->ncpus + 1, *pkgs = l3s + t->ncpus + 1, *nodes = pkgs + t->ncpus + 1;
	unsigned npu = 0, ncore = 0, nshared = 0, nl3 = 0, npkg = 0, nnode = 0;
	bool l3_known = true;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || n == 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		const struct topo_cpu *c = cpus[i] >= 0 ? cpu_entry(t, cpus[i]) : NULL;
		if (c == NULL)
			goto fail;
		/* A CPU listed again (oversubscription) adds nothing: the
		 * span is of the CPUs, threads > pus says the rest. */
		if (!seen_add(pus, &npu, c->cpu))
			continue;
		if (!seen_add(cores, &ncore, c->core))
			seen_add(shared, &nshared, c->core); /* a second PU of a used core */
		int l3 = cpu_l3(t, c->cpu);
		if (l3 < 0)
			l3_known = false;
		else
			seen_add(l3s, &nl3, l3);
		seen_add(pkgs, &npkg, c->package);
		if (c->node >= 0)
			seen_add(nodes, &nnode, c->node);
	}
	out->pus = npu;
	out->cores = ncore;
	out->smt_shared_cores = nshared;
	out->l3 = l3_known ? (int)nl3 : -1;
	out->packages = npkg;
	out->numa_nodes = nnode;
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

static void boundary_text(struct topo_boundary *b)
{
	char th[16], ord[16];

	topo_ordinal(b->threads, th, sizeof(th));
	topo_ordinal(b->ordinal, ord, sizeof(ord));
	switch (b->level) {
	case TOPO_LEVEL_SMT:
		snprintf(b->text, sizeof(b->text), "%s thread: first on a core's %s hardware "
			 "thread (SMT sibling)", th, ord);
		break;
	case TOPO_LEVEL_CORE:
		snprintf(b->text, sizeof(b->text), "%s thread: first on the %s core", th, ord);
		break;
	case TOPO_LEVEL_L3:
		snprintf(b->text, sizeof(b->text), "%s thread: first on the %s L3", th, ord);
		break;
	case TOPO_LEVEL_NUMA:
		snprintf(b->text, sizeof(b->text), "%s thread: first on the %s NUMA node", th, ord);
		break;
	case TOPO_LEVEL_PACKAGE:
		snprintf(b->text, sizeof(b->text), "%s thread: first on the %s package", th, ord);
		break;
	}
}

int topo_boundaries(const struct topo *t, const char *policy, struct topo_boundary *out,
		    size_t max, bool *unpinned, char *err, size_t errlen)
{
	int n = topo_policy_cpus(t, policy, err, errlen);
	int *order = NULL, *buf = NULL;
	size_t count = 0;

	*unpinned = false;
	if (n < 0)
		return -1;
	order = malloc((size_t)n * sizeof(*order));
	buf = malloc(5 * ((size_t)n + 1) * sizeof(*buf));
	if (order == NULL || buf == NULL) {
		seterr(err, errlen, "out of memory");
		free(order);
		free(buf);
		return -1;
	}
	/* The policy's order is its plan for n threads. */
	if (topo_plan(t, policy, (unsigned)n, false, order, err, errlen) != 0) {
		free(order);
		free(buf);
		return -1;
	}
	if (n > 0 && order[0] < 0) {
		*unpinned = true;	/* `none`: the scheduler decides, no order */
		free(order);
		free(buf);
		return 0;
	}
	int *cores = buf, *l3s = buf + n + 1, *pkgs = l3s + n + 1, *nodes = pkgs + n + 1,
	    *ranks = nodes + n + 1;
	unsigned ncore = 0, nl3 = 0, npkg = 0, nnode = 0, nrank = 0;
	for (int i = 0; i < n; i++) {
		const struct topo_cpu *c = cpu_entry(t, order[i]);
		int l3 = cpu_l3(t, order[i]);
		bool new_core = seen_add(cores, &ncore, c->core);
		bool new_l3 = l3 >= 0 && seen_add(l3s, &nl3, l3);
		bool new_pkg = seen_add(pkgs, &npkg, c->package);
		bool new_node = c->node >= 0 && seen_add(nodes, &nnode, c->node);
		/* A sibling counts once per rank: the first thread on any
		 * core's 2nd hardware thread, then on a 3rd, ... */
		bool new_rank = !new_core && seen_add(ranks, &nrank, (int)c->smt);
		struct topo_boundary b = { .threads = (unsigned)i + 1 };

		if (i == 0)
			continue;	/* the first thread is the first everywhere */
		/* One entry per thread count: the widest domain it enters
		 * (a new package is also a new node, L3 and core). */
		if (new_pkg)
			b.level = TOPO_LEVEL_PACKAGE, b.ordinal = npkg;
		else if (new_node)
			b.level = TOPO_LEVEL_NUMA, b.ordinal = nnode;
		else if (new_l3)
			b.level = TOPO_LEVEL_L3, b.ordinal = nl3;
		else if (new_core)
			b.level = TOPO_LEVEL_CORE, b.ordinal = ncore;
		else if (new_rank)
			b.level = TOPO_LEVEL_SMT, b.ordinal = c->smt + 1;
		else
			continue;
		boundary_text(&b);
		if (count < max)
			out[count] = b;
		count++;
	}
	free(order);
	free(buf);
	return (int)count;
}
