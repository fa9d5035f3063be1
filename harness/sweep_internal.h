/*
 * sweep_internal.h - what the sweep engine's files share among themselves
 * and nobody above the harness calls: sweep.c hands each finished repeat to
 * sweep_measures.c.
 */
#ifndef CONTEND_SWEEP_INTERNAL_H
#define CONTEND_SWEEP_INTERNAL_H

#include "sweep.h"

/* Fold a repeat's measurement figures into f, its point and its threads
 * (sweep_measures.c); called by record_repeat() after the rest. */
void sweep_record_measures(struct sweep_point *p, struct repeat_figures *f,
			   const struct run_result *r);

#endif
