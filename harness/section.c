/* section.c - the timer's floor and calibrated sections (see section.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>

#include "hist.h"
#include "section.h"

#define FLOOR_REPS 255     /* patterns timed for the floor: ~10 us */
#define TIME_REPS 255      /* sections timed per calibration step */
#define EXP_ROUNDS 3       /* timings of each table entry (median) */
#define EXP_STEPS 2

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint64_t median_u64(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

/* The mean of the values up to twice the median plus slack: on the
 * development VM the time base advances in steps of about one read
 * (~10 ns), so a median of short intervals is a multiple of that step,
 * while the mean of many, each starting at a random phase of the step, is
 * not; an interruption (microseconds and more) is left out. */
static double trimmed_mean(uint64_t *v, size_t n, uint64_t slack)
{
	uint64_t limit = 2 * median_u64(v, n) + slack;
	double sum = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] <= limit)
			sum += (double)v[i], m++;
	return m ? sum / (double)m : 0;
}

void section_timer_floor(struct hot_timer_floor *f)
{
	uint64_t one[FLOOR_REPS], three[FLOOR_REPS];

	/* The loop's reads, in its order: t1, td, tc, t2 back to back. The
	 * first interval is what one read adds to a wait, a section or a
	 * non-critical section; all three, what the reads add to a hold. */
	for (int r = 0; r < FLOOR_REPS; r++) {
		uint64_t a = tsc_now();
		uint64_t b = tsc_now();
		uint64_t c = tsc_now();
		uint64_t d = tsc_now();
		one[r] = b > a ? b - a : 0;
		three[r] = d > a ? d - a : 0;
		(void)c;
	}
	f->wait = f->section = f->ncs = (uint64_t)(trimmed_mean(one, FLOOR_REPS, 0) + 0.5);
	f->hold = (uint64_t)(trimmed_mean(three, FLOOR_REPS, 0) + 0.5);
}

/* The section as the measured loop spends it (hotloop.h), between the
 * same two reads. */
static inline uint64_t time_once(uint64_t loops, uint64_t ticks)
{
	uint64_t td = tsc_now();
	if (ticks)
		hot_tsc_wait(ticks);
	else if (loops)
		delay_loops(loops);
	uint64_t tc = tsc_now();
	return tc > td ? tc - td : 0;
}

double section_time_ns(uint64_t loops, uint64_t ticks, const struct tsc_info *ti,
		       uint64_t floor)
{
	uint64_t v[TIME_REPS];
	/* Raw intervals, the floor taken off the mean (taken off each, the
	 * intervals shorter than the floor would clamp at 0 and bias it). */
	for (int r = 0; r < TIME_REPS; r++)
		v[r] = time_once(loops, ticks);
	double mean = trimmed_mean(v, TIME_REPS, tsc_ns_to_cycles(ti, 100)) - (double)floor;
	return mean > 0 ? mean * 1e9 / ti->hz : 0;
}

/* A delay-loop section's length as the untimed iterations spend it: the
 * time per call of 32 calls back to back, no read between them, median of
 * 15 such batches. */
static double batch_ns(uint64_t loops, const struct tsc_info *ti)
{
	uint64_t v[15];
	for (int r = 0; r < 15; r++) {
		uint64_t t0 = tsc_now();
		for (int k = 0; k < 32; k++)
			delay_loops(loops);
		uint64_t t1 = tsc_now();
		v[r] = t1 > t0 ? t1 - t0 : 0;
	}
	return tsc_cycles_to_ns(ti, median_u64(v, 15)) / 32;
}

void section_fixed(double ns, const struct delay_calib *dc, const struct tsc_info *ti,
		   uint64_t floor, uint64_t *loops, uint64_t *ticks, double *overlap_ns)
{
	bool wait = ns >= SECTION_TSC_WAIT_MIN_NS;
	uint64_t guess = wait ? tsc_ns_to_cycles(ti, ns) : delay_ns_to_loops(dc, ns);

	*loops = *ticks = 0;
	*overlap_ns = 0;
	if (!(ns > 0) || guess == 0)
		return;
	if (wait) {
		/* A wait's length is its deadline plus a constant (the reads
		 * around it, the exit read's lateness): that constant is
		 * measured once at the threshold's length and taken off, which
		 * costs the same for a section of 300 ms (timing such a section
		 * 255 times would take a minute). */
		uint64_t at = tsc_ns_to_cycles(ti, SECTION_TSC_WAIT_MIN_NS);
		double extra = section_time_ns(0, at, ti, floor) - SECTION_TSC_WAIT_MIN_NS;
		uint64_t off = extra > 0 ? tsc_ns_to_cycles(ti, extra) : 0;
		*ticks = guess > off ? guess - off : 1;
		return;
	}
	/* A bracket, then bisection on the length as untimed iterations
	 * spend it (batch_ns()): monotone in the count but not linear near 0,
	 * so interpolation from a rate overshoots there. Between the two
	 * reads of a timed section the core overlaps part of the loop with
	 * the reads themselves (measured on the development VM: 10-20 ns of
	 * it vanishes; up to ~20 iterations read as nothing): *overlap_ns is
	 * that part, to be added back to what the timed sections show. */
#define TIME(n) batch_ns(n, ti)
	uint64_t lo = 0, hi = guess;
	double y_lo = 0, y_hi = TIME(hi);
	while (y_hi < ns && hi < (UINT64_C(1) << 40)) {
		lo = hi, y_lo = y_hi;
		hi *= 2;
		y_hi = TIME(hi);
	}
	for (int step = 0; step < 24 && hi - lo > 1; step++) {
		uint64_t mid = lo + (hi - lo) / 2;
		double y = TIME(mid);
		if (y < ns)
			lo = mid, y_lo = y;
		else
			hi = mid, y_hi = y;
	}
#undef TIME
	uint64_t n = ns - y_lo <= y_hi - ns && lo > 0 ? lo : hi;
	*loops = n;
	double timed = section_time_ns(n, 0, ti, floor);
	double untimed = batch_ns(n, ti);
	*overlap_ns = untimed > timed ? untimed - timed : 0;
}

void section_exp_table(uint64_t *table, double mean_ns, const struct delay_calib *dc,
		       const struct tsc_info *ti, uint64_t floor)
{
	double want[HOT_EXP_TABLE];
	double scale = 1;

	for (int i = 0; i < HOT_EXP_TABLE; i++) {
		/* slot i: the (i + 0.5) / HOT_EXP_TABLE quantile, shuffled
		 * by the per-thread RNG at use */
		double q = (i + 0.5) / HOT_EXP_TABLE;
		want[i] = -mean_ns * log(1 - q);
		table[i] = delay_ns_to_loops(dc, want[i]);
	}
	/* Beyond 10 us the overlap is noise next to the length, and timing
	 * the table would take 768 of its sections (a minute at 100 ms). */
	if (!(mean_ns > 0) || mean_ns > 10000)
		return;
	for (int step = 0; step < EXP_STEPS; step++) {
		double sum = 0;
		for (int i = 0; i < HOT_EXP_TABLE; i++) {
			uint64_t v[EXP_ROUNDS];
			for (int r = 0; r < EXP_ROUNDS; r++)
				v[r] = hot_less_floor(time_once(table[i], 0), floor);
			sum += tsc_cycles_to_ns(ti, median_u64(v, EXP_ROUNDS));
		}
		double got = sum / HOT_EXP_TABLE;
		if (!(got > 0) || fabs(got - mean_ns) <= 0.005 * mean_ns)
			break;
		scale *= mean_ns / got;
		if (!(scale > 0.25 && scale < 4))
			break; /* noise, not a calibration */
		for (int i = 0; i < HOT_EXP_TABLE; i++)
			table[i] = delay_ns_to_loops(dc, want[i] * scale);
	}
}

/* What a repeat achieved of its sections: their mean, a mean rather than a
 * median because on the development VM the time base advances in steps of
 * about one read (~10 ns), so the median of short sections is a multiple of
 * that step, while the mean of thousands, each at a random phase of the
 * step, resolves the length to a fraction of it. The mean leaves out the
 * sections during which the vCPU was descheduled (microseconds to
 * milliseconds): for a fixed section those beyond twice the typical length
 * plus 100 ns, for an exponential one beyond 20x the typical mean (e^-20 of
 * its mass lies there). "Typical" is the asked length or what the samples'
 * median says, whichever is longer: against the asked length alone, a
 * repeat whose every section ran 3x long (a vCPU slowed after the delay
 * loop was calibrated) left nothing below the cut and read "unmeasured"
 * instead of 3x long. The median of exponential lengths is ln 2 of their
 * mean. */
double section_achieved_ns(const struct hist *h, double ns_per_tick, bool exp_dist,
			   double asked_ns)
{
	if (h == NULL || hist_count(h) == 0)
		return NAN;
	double median_ns = ns_per_tick * (double)hist_value_at_percentile(h, 50);
	double typical_ns = fmax(asked_ns, exp_dist ? median_ns / M_LN2 : median_ns);
	double limit_ns = exp_dist ? 20 * typical_ns : 2 * typical_ns + 100;
	return ns_per_tick * hist_mean_below(h, (uint64_t)(limit_ns / ns_per_tick));
}
