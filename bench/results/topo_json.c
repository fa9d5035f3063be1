/*
 * topo_json.c - meta.topology of the results JSON, written for `contend run`
 * and `contend topo --json` alike.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "topo_json.h"

static json_t *bytes_or_null(uint64_t n)
{
	return n != 0 ? json_integer((json_int_t)n) : json_null();
}

json_t *topo_to_json(const struct topo *t)
{
	char cpus[1024];

	if (topo_cpulist_string(t, cpus, sizeof(cpus)) != 0)
		snprintf(cpus, sizeof(cpus), "(too many to list)");
	return json_pack("{s:i, s:i, s:i, s:i, s:b, s:s, s:{s:o, s:o, s:o}}",
		"packages", (int)topo_packages(t), "numa_nodes", (int)topo_numa_nodes(t),
		"cores", (int)topo_cores(t), "pus", (int)topo_pus(t), "smt", topo_smt(t),
		"allowed_cpus", cpus,
		"caches", "l1d_bytes", bytes_or_null(topo_cache_bytes(t, 1)),
		"l2_bytes", bytes_or_null(topo_cache_bytes(t, 2)),
		"l3_bytes", bytes_or_null(topo_cache_bytes(t, 3)));
}
