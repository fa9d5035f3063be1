/*
 * topo_internal.h - the loaded topology's representation, shared by the
 * files of the topo module (topo.c loads it and answers queries, topo_plan.c
 * turns it into pin plans). Not for use outside harness/topo*.c: everything
 * else goes through topo.h.
 *
 * Everything a plan needs is computed once in topo_load() into plain arrays
 * (the CPUs in topology order, the scatter and cores orders, each CPU's core,
 * package and node), so planning and the accessors never walk hwloc again and
 * a loaded topology is read-only: safe to share between threads.
 */
#ifndef CONTEND_TOPO_INTERNAL_H
#define CONTEND_TOPO_INTERNAL_H

#include <hwloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo.h"

/* One PU of the topology, in topology (hwloc logical) order. */
struct topo_cpu {
	int cpu;	/* OS index */
	int core;	/* logical index of its core (see core_key()) */
	int package;	/* logical index of its package, 0 when hwloc has none */
	int node;	/* OS index of the first NUMA node holding it, or -1 */
	unsigned smt;	/* its position among its core's PUs: 0 = first */
};

struct topo {
	hwloc_topology_t hw;
	bool this_machine;
	char *source;		/* for topo_source() */
	char *cpu_model;	/* NULL when unknown */
	/* this machine only: every CPU hwloc saw before the restriction to the
	 * affinity mask, to tell "not allowed" from "does not exist" */
	hwloc_bitmap_t machine_cpus;
	unsigned packages, numa_nodes, cores;
	bool smt;
	uint64_t cache_bytes[4];	/* index = level; [0] unused */
	unsigned cache_line_bytes;	/* of the first L1 data cache; 0: unknown */
	size_t ncpus;
	struct topo_cpu *cpus;	/* topology order = the compact order */
	int *scatter;		/* OS indexes, scatter order */
	int *cores_order;	/* OS indexes, cores order */
};

#endif
