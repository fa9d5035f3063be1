/*
 * placement_json.h - the placement records of a point (harness/placement.h)
 * as results JSON fields: per thread "placement", per point "lock_placement"
 * (results/SCHEMA.md, "Placement records"). Additive fields: files without
 * them still read.
 */
#ifndef CONTEND_PLACEMENT_JSON_H
#define CONTEND_PLACEMENT_JSON_H

#include <jansson.h>

#include "sweep.h"

/* Add "lock_placement" to a point object and "placement" to each of its
 * per_thread objects (the array `threads`, in thread order). */
void placement_json_add(json_t *point, json_t *threads, const struct sweep_point *p);

#endif
