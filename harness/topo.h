/*
 * topo.h - machine topology (hwloc, read at run time), pin plans and pinning.
 * The module's one interface; implemented by topo.c (loading and queries),
 * topo_cpulist.c (CPU lists), topo_plan.c (pin plans) and topo_pin.c
 * (pinning), which share the loaded representation in topo_internal.h.
 *
 * A struct topo is loaded once, before any thread is pinned, from this
 * machine, a hwloc synthetic description or an XML file. Only a topology of
 * this machine may be used to pin: a synthetic or XML topology numbers its
 * PUs in its own way (synthetic: 0..n-1), so plans computed from it are for
 * display and tests.
 *
 * Numbering used throughout: a "CPU" is a PU's OS index (what the kernel,
 * taskset and sched_getcpu() call a CPU); a "core" and a "package" are hwloc
 * logical indexes (0..n-1 in topology order, unique machine-wide, unlike the
 * kernel's core_id); a NUMA node is its OS index (what libnuma and numactl
 * call a node).
 *
 * Pin policies (topo_plan), each a fixed order over the topology's CPUs;
 * thread i gets order[i % ncpus]:
 *   compact  topology order: a core's PUs, then the next core of the same
 *            cache / NUMA node / package, then the next package.
 *   scatter  at every level of the tree, consecutive threads go to different
 *            children (round-robin): threads 0 and 1 land on different
 *            packages (and NUMA nodes below them), then different cores, and
 *            an SMT sibling is used only once every core has a thread.
 *   cores    the first PU of every core, in package-filling order (package
 *            0's cores, then package 1's), then the second PU of every core in
 *            the same order, and so on. Package-filling rather than
 *            interleaved because that is what sets `cores` apart: `scatter`
 *            already spreads over packages; `cores` keeps threads close (same
 *            package and caches) while never sharing a core until it must.
 *   none     no pinning, the scheduler places threads: every entry is -1.
 *   a list   "0,2,4-7": the listed CPUs in the listed order (duplicates and
 *            CPUs not in the topology are errors).
 */
#ifndef CONTEND_TOPO_H
#define CONTEND_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CPU numbers in a CPU list must be below this (keeps "0-999999" from
 * allocating megabytes, and is far above any machine hwloc describes). */
#define TOPO_CPU_LIMIT 65536

/* The pin policy when the user names none (contend run and contend topo). */
#define TOPO_DEFAULT_PIN "compact"

struct topo;

/* ---- topo.c: loading and queries ---- */

/*
 * Load a topology. source NULL: this machine, restricted to the CPUs the
 * process may run on (the main thread's sched_getaffinity mask, so call it
 * before pinning the main thread). Otherwise a path to a hwloc XML file
 * (when the path exists or ends in ".xml") or a hwloc synthetic description
 * such as "pack:2 numa:1 core:4 pu:2". Returns 0, or -1 with a one-line
 * message in err (naming --topology and the value when source is not NULL).
 */
int topo_load(struct topo **out, const char *source, char *err, size_t errlen);
void topo_free(struct topo *t);

/* true for source NULL: only then may a plan be used to pin. */
bool topo_is_this_machine(const struct topo *t);
/* "this machine", "synthetic 'pack:2 ...'" or "XML file 'x.xml'". */
const char *topo_source(const struct topo *t);

/* Counts of objects that hold at least one of the topology's (allowed) PUs;
 * NUMA nodes are all the nodes hwloc reports (memory may be placed on a
 * node even when none of its CPUs is allowed). */
unsigned topo_packages(const struct topo *t);
unsigned topo_numa_nodes(const struct topo *t);
unsigned topo_cores(const struct topo *t);
unsigned topo_pus(const struct topo *t);
/* Some core has more than one PU. */
bool topo_smt(const struct topo *t);
/* hwloc's CPUModel info, else (this machine only) /proc/cpuinfo's "model
 * name"; NULL when unknown (synthetic topologies). Owned by t. */
const char *topo_cpu_model(const struct topo *t);
/* Size in bytes of the first level-1 data, level-2 or level-3 cache (level
 * 1, 2 or 3); 0 when unknown, which callers report as null. */
uint64_t topo_cache_bytes(const struct topo *t, unsigned level);
/* Line size in bytes of the first level-1 data cache as hwloc reports it
 * (sysfs coherency_line_size on Linux); 0 when unknown. */
unsigned topo_cache_line_bytes(const struct topo *t);

/* The topology's CPUs (PU OS indexes) in topology order: writes at most max,
 * returns how many there are (topo_pus()). */
size_t topo_cpus(const struct topo *t, int *cpus, size_t max);
/* The CPUs as a list string, e.g. "0-1" or "0,2,4-7"; returns 0 or -1 when
 * buf is too small. */
int topo_cpulist_string(const struct topo *t, char *buf, size_t len);
/* Whether cpu is one of the topology's CPUs. */
bool topo_has_cpu(const struct topo *t, int cpu);
/* NUMA node (OS index), core and package (logical indexes) of a CPU; -1 when
 * the CPU is not in the topology (or, for cpu_node, no node holds it). */
int topo_cpu_node(const struct topo *t, int cpu);
int topo_cpu_core(const struct topo *t, int cpu);
int topo_cpu_package(const struct topo *t, int cpu);

/* ---- topo_cpulist.c: CPU lists ---- */

/*
 * Parse a CPU list "0,2,4-7" into a malloc'd array in the listed order
 * (ranges ascending). Rejects "", "abc", "3-1", "1,,2", "1,", negative
 * numbers, numbers >= TOPO_CPU_LIMIT and CPUs listed twice, with a message
 * naming the list and the problem. Returns 0 (caller frees *cpus) or -1.
 */
int topo_parse_cpulist(const char *s, int **cpus, size_t *count, char *err,
		       size_t errlen);

/* ---- topo_plan.c: pin plans ---- */

/*
 * Number of CPUs a policy (or CPU list) places threads on: the length of its
 * order; for `none`, every CPU of the topology. -1 with "--pin: ..." in err
 * when the policy is unknown or the list is invalid for this topology.
 */
int topo_policy_cpus(const struct topo *t, const char *policy, char *err,
		     size_t errlen);

/*
 * Fill cpus[0..nthreads) with each thread's CPU (-1 = unpinned) under a
 * policy or CPU list. More threads than the policy's CPUs is an error unless
 * oversubscribe. Returns 0, or -1 with a one-line message in err naming the
 * flag and value: "--pin: unknown policy 'foo' ...", "--pin: CPU 9 is not
 * available (this machine has CPUs 0-1)", "--threads 8 needs
 * --oversubscribe: only 2 CPUs".
 */
int topo_plan(const struct topo *t, const char *policy, unsigned nthreads,
	      bool oversubscribe, int *cpus, char *err, size_t errlen);
/* More threads than the policy's CPUs (some CPU runs several threads, or,
 * for `none`, more threads than CPUs); false for an invalid policy. */
bool topo_plan_is_oversubscribed(const struct topo *t, const char *policy,
				 unsigned nthreads);

/* ---- topo_pin.c: pinning ---- */

/*
 * Pin the calling thread to one CPU. cpu -1 (a `none` plan entry) does
 * nothing and returns 0. Failure is an error for the caller to report, never
 * a warning: returns -1 with "pinning to CPU N failed: <reason>" in err.
 */
int topo_pin_self(int cpu, char *err, size_t errlen);
/* The CPU the calling thread runs on now (sched_getcpu), -1 if unknown. */
int topo_current_cpu(void);

/* ---- topo_span.c: what a set of CPUs spans; a policy's boundaries ---- */

/* What the CPUs of a point span (results: cpus_span). Threads stacked on
 * one CPU (oversubscription) count once: threads > pus says the rest. */
struct topo_span {
	unsigned pus;              /* distinct CPUs */
	unsigned cores;            /* distinct cores */
	unsigned smt_shared_cores; /* cores with two or more of the CPUs (SMT siblings) */
	int l3;                    /* distinct L3 caches; -1: hwloc knows no L3 */
	unsigned packages;
	unsigned numa_nodes;       /* nodes holding the CPUs */
};

/* Span of cpus[0..n); -1 when a CPU is -1 (unpinned: the scheduler places
 * the thread, so nothing is known) or not in the topology. */
int topo_span(const struct topo *t, const int *cpus, unsigned n, struct topo_span *out);

/* Topology levels, narrowest first. */
enum topo_level {
	TOPO_LEVEL_SMT, TOPO_LEVEL_CORE, TOPO_LEVEL_L3, TOPO_LEVEL_NUMA, TOPO_LEVEL_PACKAGE
};
/* "smt", "core", "l3", "numa", "package": the results' names. */
const char *topo_level_name(enum topo_level level);
/* 1 -> "1st", 2 -> "2nd", 12 -> "12th". */
void topo_ordinal(unsigned n, char *buf, size_t len);

/* Thread `threads` (1-based) of the policy's order is the first on the
 * `ordinal`-th domain of `level` (for smt: the first on any core's
 * `ordinal`-th hardware thread). */
struct topo_boundary {
	unsigned threads;
	enum topo_level level;
	unsigned ordinal;
	char text[96];             /* "9th thread: first on the 2nd L3" */
};

/*
 * The boundaries of a pin policy (or CPU list) over its CPUs, in thread
 * order: at most one per thread count, the widest level entered (a thread
 * on a new package is also on a new node, L3 and core; the package is
 * named). Thread 1 is never one. Writes at most max, returns how many
 * there are, or -1 with "--pin: ..." in err. A `none` policy has no order:
 * 0 with *unpinned set.
 */
int topo_boundaries(const struct topo *t, const char *policy, struct topo_boundary *out,
		    size_t max, bool *unpinned, char *err, size_t errlen);

#endif
