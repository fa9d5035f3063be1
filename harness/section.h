/*
 * section.h - how a worker spends its sections and what its timer costs,
 * measured by the worker itself on its own CPU before each repeat's window
 * (not for use outside harness/run*.c and the tests).
 *
 * Timer floor
 *   section_timer_floor() times each pattern of reads the measured loop
 *   makes around a timed interval (hotloop.h), with nothing between them:
 *   the median of many is what the reads themselves add, and the loop
 *   records every timed interval with it taken off.
 *
 * Sections
 *   A fixed section shorter than SECTION_TSC_WAIT_MIN_NS is a delay loop:
 *   its resolution is one iteration (~1 ns), but how long a given count
 *   lasts depends on the core's speed and, for short counts, on how much
 *   of it the out-of-order core overlaps with the work around it; so the
 *   count is calibrated at the asked length itself (bisection on the time
 *   per call of calls back to back, as untimed iterations spend it), not
 *   derived from a rate. The two reads around a timed section hide part
 *   of the loop (it runs beside them): that part is measured with the
 *   count and added back to the timed sections and holds. Longer sections
 *   wait on the time base: as long as
 *   asked whatever the core's speed, quantised by one read (~10 ns, 2 % at
 *   the threshold), the deadline calibrated the same way. The threshold is
 *   a length, not a multiple of the read's cost, so the method a length
 *   gets does not move with the core's speed at start-up.
 *   Exponential sections (a table of loop counts) are scaled so that the
 *   table's mean, timed the same way, is the asked mean.
 */
#ifndef CONTEND_SECTION_H
#define CONTEND_SECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "hotloop.h"
#include "tsc.h"

#define SECTION_TSC_WAIT_MIN_NS 500.0

void section_timer_floor(struct hot_timer_floor *f);

/* How a fixed section of ns is spent: *loops delay iterations or, at
 * SECTION_TSC_WAIT_MIN_NS and above, *ticks of a time-base wait (the other
 * is 0; both 0 for ns <= 0). floor: the section's timer floor in ticks.
 * *overlap_ns: how much shorter a timed delay-loop section reads than an
 * untimed one lasts (the reads around it overlap it), 0 for a wait. */
void section_fixed(double ns, const struct delay_calib *dc, const struct tsc_info *ti,
		   uint64_t floor, uint64_t *loops, uint64_t *ticks, double *overlap_ns);

/* Fill table (HOT_EXP_TABLE loop counts) with the exponential
 * distribution of mean mean_ns, scaled so that its timed mean is mean_ns. */
void section_exp_table(uint64_t *table, double mean_ns, const struct delay_calib *dc,
		       const struct tsc_info *ti, uint64_t floor);

/* The median length in ns of a section spent as (loops, ticks), timed as
 * the loop times it, floor taken off: what the calibration aims at. */
double section_time_ns(uint64_t loops, uint64_t ticks, const struct tsc_info *ti,
		       uint64_t floor);

/* What a repeat achieved of its sections, in ns, from the histogram of its
 * timed sections (ticks, the timer's cost already off); NaN when none was
 * timed. ns_per_tick: the time base's period. See section.c. */
struct hist;
double section_achieved_ns(const struct hist *h, double ns_per_tick, bool exp_dist,
			   double asked_ns);

#endif
