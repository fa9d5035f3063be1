/*
 * topo_json.h - the topology as the results schema's meta.topology object
 * (results/SCHEMA.md). The harness knows the machine; only bench/ knows the
 * results format.
 */
#ifndef CONTEND_TOPO_JSON_H
#define CONTEND_TOPO_JSON_H

#include <jansson.h>

#include "topo.h"

/* packages, numa_nodes, cores, pus, smt, allowed_cpus, caches {l1d_bytes,
 * l2_bytes, l3_bytes} (null when unknown). New reference; NULL on
 * allocation failure. */
json_t *topo_to_json(const struct topo *t);

#endif
