/*
 * run_output.h - what `contend run` makes of a sweep: the results JSON
 * (run_json.c, results/SCHEMA.md) and the text table and CSV
 * (run_output.c).
 */
#ifndef CONTEND_RUN_OUTPUT_H
#define CONTEND_RUN_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "sweep.h"

/* The results JSON document. */
json_t *sweep_to_json(const struct sweep *s);

/* Text outputs. */
void sweep_print_table(const struct sweep *s, FILE *out);
void sweep_print_csv(const struct sweep *s, FILE *out);

#endif
