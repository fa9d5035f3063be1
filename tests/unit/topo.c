/*
 * topo.c - pin plans on synthetic topologies, CPU list parsing, XML
 * loading, pinning on this machine, memory policies and placement.
 *
 * Synthetic topologies number their PUs 0..n-1, which are not this
 * machine's CPUs: their plans are checked, never pinned.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <hwloc.h>
#include <numa.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpuinfo.h"
#include "mem.h"
#include "topo_json.h"
#include "../lib/unit.h"

#define SYNTH_2PKG "pack:2 numa:1 core:4 pu:2"

static struct topo *load(const char *source)
{
	char err[512];
	struct topo *t;

	if (topo_load(&t, source, err, sizeof(err)) != 0) {
		bail_out("topo_load(%s): %s", source ? source : "NULL", err);
	}
	return t;
}

/* Plan that must succeed; returns a static buffer. */
static int *plan_ok(const struct topo *t, const char *policy, unsigned n, bool over)
{
	static int cpus[256];
	char err[512] = "";

	if (topo_plan(t, policy, n, over, cpus, err, sizeof(err)) != 0) {
		CHECK(0, "topo_plan(%s, %u): %s", policy, n, err);
		for (unsigned i = 0; i < n; i++)
			cpus[i] = -2;
	}
	return cpus;
}

/* Plan that must fail with a message containing want. */
static void plan_err(const struct topo *t, const char *policy, unsigned n, bool over,
		     const char *want)
{
	int cpus[256];
	char err[512] = "";
	int rc = topo_plan(t, policy, n, over, cpus, err, sizeof(err));

	CHECK(rc == -1 && strstr(err, want) != NULL,
	      "topo_plan('%s', %u, over=%d) gave rc %d, '%s'; want an error with '%s'",
	      policy, n, over, rc, err, want);
}

static bool all_distinct(const int *cpus, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (cpus[i] == cpus[j])
				return false;
	return true;
}

static bool distinct_cores(const struct topo *t, const int *cpus, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (topo_cpu_core(t, cpus[i]) == topo_cpu_core(t, cpus[j]))
				return false;
	return true;
}

static void test_two_packages(void)
{
	struct topo *t = load(SYNTH_2PKG);
	int *p;

	CHECK(!topo_is_this_machine(t), "synthetic counted as this machine");
	CHECK(topo_packages(t) == 2, "packages %u", topo_packages(t));
	CHECK(topo_numa_nodes(t) == 2, "NUMA nodes %u", topo_numa_nodes(t));
	CHECK(topo_cores(t) == 8, "cores %u", topo_cores(t));
	CHECK(topo_pus(t) == 16, "PUs %u", topo_pus(t));
	CHECK(topo_smt(t), "SMT not seen");
	CHECK(topo_cpu_model(t) == NULL, "model '%s' for a synthetic topology",
	      topo_cpu_model(t));
	CHECK(topo_cache_bytes(t, 3) == 0, "L3 %llu without caches",
	      (unsigned long long)topo_cache_bytes(t, 3));
	CHECK(topo_cpu_node(t, 0) == 0 && topo_cpu_node(t, 15) == 1,
	      "nodes of CPUs 0 and 15: %d %d", topo_cpu_node(t, 0), topo_cpu_node(t, 15));
	CHECK(topo_cpu_node(t, 16) == -1, "node of a CPU not in the topology");
	CHECK(topo_cpu_package(t, 7) == 0 && topo_cpu_package(t, 8) == 1,
	      "packages of CPUs 7, 8: %d %d", topo_cpu_package(t, 7), topo_cpu_package(t, 8));

	/* compact: a core's two PUs, then the next core, package 0 first. */
	p = plan_ok(t, "compact", 16, false);
	CHECK(topo_cpu_core(t, p[0]) == topo_cpu_core(t, p[1]) && p[0] != p[1],
	      "compact threads 0, 1 on CPUs %d, %d: not one core's two PUs", p[0], p[1]);
	CHECK(topo_cpu_core(t, p[2]) != topo_cpu_core(t, p[0]),
	      "compact thread 2 on thread 0's core");
	CHECK(topo_cpu_package(t, p[7]) == 0 && topo_cpu_package(t, p[8]) == 1,
	      "compact does not fill package 0 before package 1");
	CHECK(all_distinct(p, 16), "compact reuses a CPU within 16 threads");

	/* scatter: threads 0, 1 on different packages and nodes; cores before
	 * SMT siblings. */
	p = plan_ok(t, "scatter", 16, false);
	CHECK(topo_cpu_package(t, p[0]) != topo_cpu_package(t, p[1]),
	      "scatter threads 0, 1 on one package (CPUs %d, %d)", p[0], p[1]);
	CHECK(topo_cpu_node(t, p[0]) != topo_cpu_node(t, p[1]),
	      "scatter threads 0, 1 on one NUMA node");
	CHECK(topo_cpu_package(t, p[2]) != topo_cpu_package(t, p[3]),
	      "scatter threads 2, 3 on one package");
	CHECK(distinct_cores(t, p, 8), "scatter puts two of the first 8 threads on one core");
	CHECK(all_distinct(p, 16), "scatter reuses a CPU within 16 threads");

	/* cores: no SMT siblings until every core has a thread; package 0's
	 * cores first (the documented package-filling order). */
	p = plan_ok(t, "cores", 16, false);
	CHECK(distinct_cores(t, p, 8), "cores puts two of the first 8 threads on one core");
	CHECK(topo_cpu_package(t, p[3]) == 0 && topo_cpu_package(t, p[4]) == 1,
	      "cores does not fill package 0's cores first");
	CHECK(all_distinct(p, 16), "cores reuses a CPU within 16 threads");
	CHECK(p[8] != p[0] && topo_cpu_core(t, p[8]) == topo_cpu_core(t, p[0]),
	      "cores thread 8 is not thread 0's SMT sibling");

	/* an explicit list, in its order */
	p = plan_ok(t, "3,0,5-6", 4, false);
	CHECK(p[0] == 3 && p[1] == 0 && p[2] == 5 && p[3] == 6,
	      "list 3,0,5-6 planned as %d,%d,%d,%d", p[0], p[1], p[2], p[3]);
	plan_err(t, "3,16", 2, false, "--pin: CPU 16 is not available (the topology has CPUs 0-15)");
	plan_err(t, "1,2,1", 3, false, "CPU 1 is listed twice");
	plan_err(t, "0,1", 3, false, "--threads 3 needs --oversubscribe: --pin '0,1' lists only 2 CPUs");
	p = plan_ok(t, "0,1", 3, true);
	CHECK(p[0] == 0 && p[1] == 1 && p[2] == 0, "list oversubscribed: %d,%d,%d",
	      p[0], p[1], p[2]);

	/* none: unpinned, still bounded by the CPU count */
	p = plan_ok(t, "none", 16, false);
	CHECK(p[0] == -1 && p[15] == -1, "none pinned a thread (%d, %d)", p[0], p[15]);
	plan_err(t, "none", 17, false, "--threads 17 needs --oversubscribe: only 16 CPUs");
	CHECK(topo_plan_is_oversubscribed(t, "none", 17), "none with 17 threads not oversubscribed");

	/* oversubscription: an error without the flag, round-robin with it */
	plan_err(t, "compact", 20, false, "--threads 20 needs --oversubscribe: only 16 CPUs");
	int order[16];
	memcpy(order, plan_ok(t, "scatter", 16, false), sizeof(order));
	p = plan_ok(t, "scatter", 40, true);
	bool rr = true;
	for (unsigned i = 0; i < 40; i++)
		rr = rr && p[i] == order[i % 16];
	CHECK(rr, "oversubscribed scatter is not thread i -> order[i %% 16]");
	CHECK(topo_plan_is_oversubscribed(t, "scatter", 17), "17 threads on 16 CPUs not oversubscribed");
	CHECK(!topo_plan_is_oversubscribed(t, "scatter", 16), "16 threads on 16 CPUs oversubscribed");
	CHECK(topo_plan_is_oversubscribed(t, "0-1", 3), "3 threads on a 2-CPU list not oversubscribed");
	CHECK(!topo_plan_is_oversubscribed(t, "bogus", 100), "an invalid policy counts as oversubscribed");
	CHECK(topo_policy_cpus(t, "2-5", NULL, 0) == 4, "policy CPUs of 2-5: %d",
	      topo_policy_cpus(t, "2-5", NULL, 0));

	/* bad values name the flag and the value */
	plan_err(t, "foo", 2, false, "--pin: unknown policy 'foo'");
	plan_err(t, "", 2, false, "--pin: empty value");
	plan_err(t, "3-1", 2, false, "--pin: invalid CPU list '3-1'");
	plan_err(t, "compact", 0, false, "--threads 0");

	char list[64];
	CHECK(topo_cpulist_string(t, list, sizeof(list)) == 0 && strcmp(list, "0-15") == 0,
	      "CPU list string '%s'", list);
	json_t *j = topo_to_json(t);
	CHECK(j != NULL && json_integer_value(json_object_get(j, "pus")) == 16 &&
	      json_is_true(json_object_get(j, "smt")) &&
	      json_is_null(json_object_get(json_object_get(j, "caches"), "l3_bytes")),
	      "topo_to_json: pus 16, smt true, l3_bytes null");
	json_decref(j);
	topo_free(t);
}

/* Like this machine: one package, one node, two cores, no SMT, caches. */
static void test_small_machine(void)
{
	struct topo *t = load("pack:1 l3:1(size=32MiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:1 pu:1");
	int *p;

	CHECK(topo_packages(t) == 1 && topo_cores(t) == 2 && topo_pus(t) == 2 &&
	      topo_numa_nodes(t) == 1 && !topo_smt(t),
	      "counts %u/%u/%u/%u", topo_packages(t), topo_cores(t), topo_pus(t),
	      topo_numa_nodes(t));
	CHECK(topo_cache_bytes(t, 1) == 32 * 1024 && topo_cache_bytes(t, 2) == 1024 * 1024 &&
	      topo_cache_bytes(t, 3) == 32ULL * 1024 * 1024,
	      "caches %llu %llu %llu", (unsigned long long)topo_cache_bytes(t, 1),
	      (unsigned long long)topo_cache_bytes(t, 2), (unsigned long long)topo_cache_bytes(t, 3));
	static const char *const policies[] = { "compact", "scatter", "cores" };
	for (size_t i = 0; i < 3; i++) {
		p = plan_ok(t, policies[i], 2, false);
		CHECK(p[0] == 0 && p[1] == 1, "%s on two single-PU cores: %d,%d",
		      policies[i], p[0], p[1]);
	}
	plan_err(t, "scatter", 8, false, "--threads 8 needs --oversubscribe: only 2 CPUs");
	p = plan_ok(t, "compact", 8, true);
	CHECK(p[6] == 0 && p[7] == 1, "8 threads on 2 CPUs: thread 6, 7 on %d, %d", p[6], p[7]);
	topo_free(t);
}

static void parse_err(const char *s, const char *want)
{
	int *cpus = NULL;
	size_t n = 0;
	char err[256] = "";
	int rc = topo_parse_cpulist(s, &cpus, &n, err, sizeof(err));

	CHECK(rc == -1 && cpus == NULL && strstr(err, want) != NULL,
	      "parse '%s' gave rc %d '%s'; want an error with '%s'", s, rc, err, want);
	free(cpus);
}

static void test_cpulist(void)
{
	int *cpus;
	size_t n;
	char err[256] = "";

	CHECK(topo_parse_cpulist("0,2,4-7", &cpus, &n, err, sizeof(err)) == 0, "%s", err);
	static const int want[] = { 0, 2, 4, 5, 6, 7 };
	CHECK(n == 6 && memcmp(cpus, want, sizeof(want)) == 0, "0,2,4-7 parsed to %zu CPUs", n);
	free(cpus);
	CHECK(topo_parse_cpulist("5", &cpus, &n, err, sizeof(err)) == 0 && n == 1 &&
	      cpus[0] == 5, "single CPU");
	free(cpus);

	parse_err("", "empty CPU list");
	parse_err("abc", "'abc' is not a CPU number");
	parse_err("3-1", "range 3-1 is reversed");
	parse_err("1,,2", "empty entry");
	parse_err("1,", "empty entry");
	parse_err(",1", "empty entry");
	parse_err("-1", "'-1' is negative");
	parse_err("1--2", "'1--2' is not a CPU number");
	parse_err("2-", "'2-' is not a CPU number");
	parse_err("1 2", "'1 2' is not a CPU number");
	parse_err("0-3,2", "CPU 2 is listed twice");
	parse_err("99999999999", "out of range");
}

static void test_xml_and_errors(void)
{
	char err[512] = "";
	struct topo *t;
	hwloc_topology_t hw;
	char path[] = "/tmp/contend-topo-XXXXXX.xml";
	int fd = mkstemps(path, 4);

	CHECK(fd >= 0, "mkstemps");
	if (fd >= 0)
		close(fd);
	/* Write an XML topology with a CPU model, as lstopo would for a real
	 * machine, then load it as a file. */
	if (fd >= 0 && hwloc_topology_init(&hw) == 0) {
		if (hwloc_topology_set_synthetic(hw, "pack:2 core:2 pu:1") == 0 &&
		    hwloc_topology_load(hw) == 0) {
			hwloc_obj_add_info(hwloc_get_obj_by_type(hw, HWLOC_OBJ_PACKAGE, 0),
					   "CPUModel", "Test CPU 9000");
			CHECK(hwloc_topology_export_xml(hw, path, 0) == 0, "export XML");
		}
		hwloc_topology_destroy(hw);
		t = load(path);
		CHECK(!topo_is_this_machine(t), "XML counted as this machine");
		CHECK(topo_pus(t) == 4 && topo_packages(t) == 2, "XML counts %u PUs %u packages",
		      topo_pus(t), topo_packages(t));
		CHECK(topo_cpu_model(t) && strcmp(topo_cpu_model(t), "Test CPU 9000") == 0,
		      "XML CPU model '%s'", topo_cpu_model(t) ? topo_cpu_model(t) : "(null)");
		topo_free(t);
		unlink(path);
	}

	CHECK(topo_load(&t, "pack:x", err, sizeof(err)) == -1 &&
	      strstr(err, "--topology: 'pack:x'") != NULL, "bad synthetic: '%s'", err);
	CHECK(topo_load(&t, "/nonexistent/contend.xml", err, sizeof(err)) == -1 &&
	      strstr(err, "--topology: cannot read '/nonexistent/contend.xml'") != NULL,
	      "missing XML: '%s'", err);
	CHECK(topo_load(&t, "/etc/hostname", err, sizeof(err)) == -1 &&
	      strstr(err, "is not a hwloc XML topology") != NULL, "non-XML file: '%s'", err);
}

struct pin_job {
	int cpu;
	int rc, seen;
	char err[256];
};

static void *pin_thread(void *arg)
{
	struct pin_job *job = arg;

	job->rc = topo_pin_self(job->cpu, job->err, sizeof(job->err));
	job->seen = topo_current_cpu();
	return NULL;
}

static struct pin_job pin_in_thread(int cpu)
{
	struct pin_job job = { .cpu = cpu, .rc = -99, .seen = -1 };
	pthread_t th;

	if (pthread_create(&th, NULL, pin_thread, &job) == 0)
		pthread_join(th, NULL);
	return job;
}

struct pinned_load {
	int cpu;
	bool pinned;
	unsigned pus;
};

static void *load_pinned(void *arg)
{
	struct pinned_load *pl = arg;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(pl->cpu, &one);
	pl->pinned = pthread_setaffinity_np(pthread_self(), sizeof(one), &one) == 0;
	struct topo *t = load(NULL);
	pl->pus = t != NULL ? topo_pus(t) : 0;
	topo_free(t);
	return NULL;
}

static void test_this_machine(void)
{
	struct topo *t = load(NULL);
	int cpus[1024];
	size_t n = topo_cpus(t, cpus, 1024);
	char list[512], err[512];

	CHECK(topo_is_this_machine(t), "NULL source is not this machine");
	CHECK(n >= 1 && topo_pus(t) == n, "%zu CPUs", n);
	CHECK(topo_packages(t) >= 1 && topo_cores(t) >= 1 && topo_numa_nodes(t) >= 1,
	      "counts %u %u %u", topo_packages(t), topo_cores(t), topo_numa_nodes(t));
	topo_cpulist_string(t, list, sizeof(list));
	diag("this machine: %s, %u packages, %u nodes, %u cores, %zu PUs, CPUs %s\n",
	       topo_cpu_model(t) ? topo_cpu_model(t) : "model unknown", topo_packages(t),
	       topo_numa_nodes(t), topo_cores(t), n, list);

	/* every allowed CPU: pinning works and sched_getcpu agrees */
	for (size_t i = 0; i < n && i < 8; i++) {
		struct pin_job job = pin_in_thread(cpus[i]);
		CHECK(job.rc == 0, "pin to CPU %d: %s", cpus[i], job.err);
		CHECK(job.seen == cpus[i], "pinned to CPU %d, running on %d", cpus[i], job.seen);
		CHECK(topo_cpu_node(t, cpus[i]) >= 0, "CPU %d has no node", cpus[i]);
	}
	struct pin_job none = pin_in_thread(-1);
	CHECK(none.rc == 0, "pin -1 (unpinned) failed: %s", none.err);
	struct pin_job bad = pin_in_thread(TOPO_CPU_LIMIT - 1);
	CHECK(bad.rc == -1 && strstr(bad.err, "pinning to CPU 65535 failed") != NULL,
	      "pin to a missing CPU gave %d '%s'", bad.rc, bad.err);

	char missing[64];
	snprintf(missing, sizeof(missing), "%d", TOPO_CPU_LIMIT - 1);
	plan_err(t, missing, 1, false, "is not available (this machine has CPUs ");
	unsigned over = (unsigned)n + 1;
	char want[128];
	snprintf(want, sizeof(want), "--threads %u needs --oversubscribe: only %zu CPU", over, n);
	plan_err(t, "compact", over, false, want);
	int *p = plan_ok(t, "scatter", (unsigned)n, false);
	CHECK(all_distinct(p, (unsigned)n), "scatter on this machine reuses a CPU");
	topo_free(t);

	/* The restriction to the process's affinity: narrow the main thread to
	 * its first CPU, load again, restore. */
	if (n < 2)
		return;
	cpu_set_t old, one;
	CHECK(sched_getaffinity(0, sizeof(old), &old) == 0, "sched_getaffinity");
	CPU_ZERO(&one);
	CPU_SET(cpus[0], &one);
	if (cpus[0] < CPU_SETSIZE && sched_setaffinity(0, sizeof(one), &one) == 0) {
		struct topo *r = load(NULL);
		CHECK(topo_pus(r) == 1 && topo_has_cpu(r, cpus[0]) && !topo_has_cpu(r, cpus[1]),
		      "restricted to CPU %d: %u PUs", cpus[0], topo_pus(r));
		snprintf(list, sizeof(list), "%d", cpus[1]);
		plan_err(r, list, 1, false, "not in this process's CPU affinity");
		topo_free(r);
		CHECK(sched_setaffinity(0, sizeof(old), &old) == 0, "restore affinity");
	}
	/* A helper thread pinned to one CPU still loads the process's (the main
	 * thread's) mask, not its own. */
	struct pinned_load pl = { .cpu = cpus[0] };
	pthread_t th;
	if (cpus[0] < CPU_SETSIZE && pthread_create(&th, NULL, load_pinned, &pl) == 0) {
		pthread_join(th, NULL);
		CHECK(pl.pinned, "helper thread could not pin to CPU %d", cpus[0]);
		CHECK(pl.pus == (unsigned)n, "topology loaded by a thread pinned to CPU %d "
		      "has %u PUs, the process may use %zu", cpus[0], pl.pus, n);
	}
	(void)err;
}

static void mem_err(const char *s, const char *want)
{
	struct mem_policy mp;
	char err[256] = "";
	int rc = mem_policy_parse(s, &mp, err, sizeof(err));

	CHECK(rc == -1 && strstr(err, want) != NULL, "--mem '%s' gave %d '%s'; want '%s'",
	      s, rc, err, want);
}

static void test_mem(void)
{
	struct mem_policy mp;
	char err[256] = "", buf[32];
	struct mem_placement_info info;
	int nodes = mem_numa_nodes();
	long ps = sysconf(_SC_PAGESIZE);

	CHECK(nodes >= 1, "%d NUMA nodes", nodes);
	CHECK(mem_policy_parse("local", &mp, err, sizeof(err)) == 0 && mp.kind == MEM_LOCAL, "local");
	CHECK(mem_policy_parse("interleave", &mp, err, sizeof(err)) == 0 &&
	      mp.kind == MEM_INTERLEAVE, "interleave");
	CHECK(mem_policy_parse("node:0", &mp, err, sizeof(err)) == 0 && mp.kind == MEM_NODE &&
	      mp.node == 0, "node:0: %s", err);
	mem_policy_format(&mp, buf, sizeof(buf));
	CHECK(strcmp(buf, "node:0") == 0, "format '%s'", buf);
	mem_err("remote", "--mem: unknown policy 'remote'");
	mem_err("", "--mem: empty value");
	mem_err("node:", "--mem: 'node:'");
	mem_err("node:-1", "--mem: 'node:-1'");
	mem_err("node:1x", "--mem: 'node:1x'");
	mem_err("node:4096", "--mem: node 4096 does not exist");
	/* Without NUMA support (qemu-user has no get_mempolicy) the message
	 * goes on with "; no NUMA support in this kernel)". */
	if (nodes == 1)
		mem_err("node:3", numa_available() < 0
			? "--mem: node 3 does not exist (nodes 0-0; no NUMA support in this kernel)"
			: "--mem: node 3 does not exist (nodes 0-0)");

	struct topo *t = load(NULL);
	int cpu0;
	topo_cpus(t, &cpu0, 1);
	topo_free(t);

	static const char *const policies[] = { "local", "interleave", "node:0" };
	for (size_t i = 0; i < 3; i++) {
		size_t size = 3 * (size_t)ps + 100;
		CHECK(mem_policy_parse(policies[i], &mp, err, sizeof(err)) == 0, "%s", err);
		unsigned char *p = mem_alloc_shared(size, &mp, cpu0, &info);
		CHECK(p != NULL, "mem_alloc_shared(%s): %s", policies[i], info.note);
		if (p == NULL)
			continue;
		CHECK(((uintptr_t)p % (uintptr_t)ps) == 0, "shared memory not page-aligned");
		CHECK(p[0] == 0 && p[size - 1] == 0, "shared memory not zeroed");
		p[size - 1] = 1;
		CHECK(strcmp(info.policy, policies[i]) == 0, "info.policy '%s'", info.policy);
		CHECK(info.nodes == nodes, "info.nodes %d", info.nodes);
		if (nodes == 1)
			CHECK(!info.applied && strstr(info.note, "placement not applied") != NULL,
			      "one node, %s: applied %d note '%s'", policies[i], info.applied, info.note);
		else
			CHECK(info.applied && (mp.kind == MEM_INTERLEAVE ||
					       info.first_page_node == info.node),
			      "%s: applied %d, node %d, first page on %d", policies[i],
			      info.applied, info.node, info.first_page_node);
		diag("mem %s: applied %d, first page on node %d, note '%s'\n", policies[i],
		       info.applied, info.first_page_node, info.note);
		mem_free_shared(p, size);
	}

	/* per-thread data: aligned, zeroed, own pages */
	unsigned char *a = mem_alloc_local(100, 64);
	CHECK(a != NULL && ((uintptr_t)a % (uintptr_t)ps) == 0 && a[99] == 0,
	      "mem_alloc_local(100, 64)");
	size_t big_align = 4 * (size_t)ps;
	unsigned char *b = mem_alloc_local(5000, big_align);
	CHECK(b != NULL && ((uintptr_t)b % big_align) == 0, "mem_alloc_local aligned to 4 pages");
	if (b != NULL) {
		memset(b, 0xab, 5000);
		CHECK(b[4999] == 0xab, "local memory writable");
	}
	CHECK(mem_alloc_local(10, 48) == NULL, "alignment 48 accepted");
	mem_free_local(a, 100);
	mem_free_local(b, 5000);
}

/* The one /proc/cpuinfo reader, on a file shaped like x86's: the first
 * matching line answers, the value is trimmed, a line longer than any fixed
 * buffer is read whole, a missing key or file is NULL. */
static void test_cpuinfo(void)
{
	char path[] = "/tmp/contend-test-cpuinfo-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f != NULL, "cannot create %s", path);
	if (f == NULL)
		return;
	fprintf(f, "processor\t: 0\nmodel\t\t: 85\nmodel name no colon\n"
		"model name\t:  Test CPU @ 2.00GHz \t\nflags\t\t: fpu");
	for (int i = 0; i < 300; i++)
		fprintf(f, " f%d", i);
	fprintf(f, " constant_tsc nonstop_tsc\n\nprocessor\t: 1\n"
		"model name\t: Second CPU\nempty\t:\n");
	fclose(f);

	char *v = cpuinfo_field_from(path, "model name");
	CHECK(v != NULL && strcmp(v, "Test CPU @ 2.00GHz") == 0, "model name '%s'",
	      v ? v : "(null)");
	free(v);
	v = cpuinfo_field_from(path, "flags");
	CHECK(v != NULL && strncmp(v, "fpu f0 ", 7) == 0 &&
	      strstr(v, " constant_tsc nonstop_tsc") != NULL &&
	      v[strlen(v) - 1] == 'c', "flags line not read whole: '%.40s'",
	      v ? v : "(null)");
	free(v);
	v = cpuinfo_field_from(path, "empty");
	CHECK(v != NULL && *v == '\0', "empty value '%s'", v ? v : "(null)");
	free(v);
	v = cpuinfo_field_from(path, "bogomips");
	CHECK(v == NULL, "missing key gave '%s'", v);
	free(v);
	unlink(path);
	v = cpuinfo_field_from(path, "model name");
	CHECK(v == NULL, "missing file gave '%s'", v);
	free(v);
}

int main(void)
{
	test_cpulist();
	case_done("cpu lists: parsing, ranges, errors");
	test_two_packages();
	case_done("plans on a synthetic two-package machine");
	test_small_machine();
	case_done("plans on a small synthetic machine");
	test_xml_and_errors();
	case_done("topology from XML, and its errors");
	test_this_machine();
	case_done("this machine: plans, pinning, JSON");
	test_mem();
	case_done("memory placement policies");
	test_cpuinfo();
	case_done("/proc/cpuinfo fields");
	return done_testing();
}
