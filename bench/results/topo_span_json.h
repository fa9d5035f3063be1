/*
 * topo_span_json.h - topology in the results (results/SCHEMA.md): each
 * point's cpus_span and the sweep's boundaries, from harness/topo_span.c;
 * and the same in words for contend topo.
 */
#ifndef CONTEND_TOPO_SPAN_JSON_H
#define CONTEND_TOPO_SPAN_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "topo.h"

/* Set point["cpus_span"] from the point's planned CPUs: the object, or
 * null with cpus_span_unavailable_reason when unpinned. */
void topo_span_json_set(json_t *point, const struct topo *t, const int *cpus, unsigned n);

/* Set doc["boundaries"] for the sweep's pin policy: the array (thread
 * order), or null with boundaries_unavailable_reason when unpinned. */
void topo_boundaries_json_set(json_t *doc, const struct topo *t, const char *pin);

/* contend topo's text: what the plan's CPUs span, and the boundaries of
 * the policy up to n threads ("  9th thread: first on the 2nd L3"). */
void topo_span_print(FILE *f, const struct topo *t, const char *pin, const int *cpus,
		     unsigned n);

#endif
