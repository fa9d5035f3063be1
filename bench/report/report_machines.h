/*
 * report_machines.h - the "Machines" section of `contend report` when its
 * files come from several machines (platform.h): what differs between
 * them, and findings in words computed from the data: each machine's
 * throughput against the first over the points both ran, each lock's
 * scaling efficiency at the largest thread count all machines ran, and
 * where the order of two locks flips between machines. The charts beside
 * it: one curve per machine per lock (family charts) and a machines x
 * scenarios heatmap per lock (plot_machines.c).
 */
#ifndef CONTEND_REPORT_MACHINES_H
#define CONTEND_REPORT_MACHINES_H

#include <stdbool.h>
#include <stdio.h>

#include "plotting.h"

/* True when some input is not on the first input's machine. */
bool report_machines_several(const struct plot_input *in, size_t nin);

/* Write <section id="machines"> into F; nothing with one machine. Only the
 * locks of req's --locks list count. */
void report_machines(FILE *f, const struct plot_input *in, size_t nin,
		     const struct plot_request *req);

#endif
