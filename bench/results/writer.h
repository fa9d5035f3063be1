/*
 * writer.h - the results JSON of a sweep (writer.c, results/SCHEMA.md): what
 * `contend run` writes and what the text table's findings read back. Apart
 * from the text outputs (report/run_output.h) so that the results wing
 * depends on nothing above it.
 */
#ifndef CONTEND_RESULTS_WRITER_H
#define CONTEND_RESULTS_WRITER_H

#include <jansson.h>

#include "sweep.h"

/* The results JSON document. */
json_t *sweep_to_json(const struct sweep *s);

#endif
