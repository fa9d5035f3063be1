/*
 * run_output.h - what `contend run` prints of a sweep: the text table and
 * CSV (run_output.c). The results JSON is the results wing's
 * (results/writer.h).
 */
#ifndef CONTEND_RUN_OUTPUT_H
#define CONTEND_RUN_OUTPUT_H

#include <stdio.h>

#include "sweep.h"

/* Text outputs. */
void sweep_print_table(const struct sweep *s, FILE *out);
void sweep_print_csv(const struct sweep *s, FILE *out);

#endif
