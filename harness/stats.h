/*
 * stats.h - statistics over repeats and fairness over threads.
 *
 * Repeat summaries
 *   stats_summarize() reduces the n repeat values of one point (throughput,
 *   say) to a median with a distribution-free confidence interval, plus mean,
 *   sample standard deviation and coefficient of variation.
 *
 *   The interval for the median is [x(r), x(n+1-r)] (1-based order
 *   statistics of the sorted values). Whatever the distribution, it covers
 *   the population median with probability
 *       level(r) = 1 - 2 * P(Binomial(n, 1/2) <= r - 1),
 *   and r is the largest rank with level(r) >= 95 % (the narrowest interval
 *   that still reaches 95 %). When even r = 1, i.e. [min, max], falls short
 *   (n <= 5), the interval is [min, max] and ci_level says what it achieves:
 *   n = 5 gives 0.9375, n = 2 gives 0.5, n = 1 gives 0. Examples:
 *   n = 6 -> ranks 1, 6 (0.96875); n = 10 -> ranks 2, 9 (0.978515625);
 *   n = 20 -> ranks 6, 15 (0.9586).
 *
 *   Small n: n = 1 gives median = mean = min = max = the value, the interval
 *   [v, v] at level 0, stddev 0 and cv 0; these are placeholders, not a
 *   measured spread: summary_has_spread() is false and callers report
 *   stddev/cv as null. n = 0 gives NAN everywhere (n = 0, ci_level 0).
 *   cv = stddev / mean is NAN when mean is 0.
 *
 * Fairness
 *   Jain's index J = (sum x)^2 / (n * sum x^2) over per-thread counts: 1 when
 *   all are equal, 1/n when one thread took everything.
 *
 * Regimes
 *   On a virtual machine the host moves the vCPUs between placements, and the
 *   cache-line round trip between two CPUs jumps between a few distinct
 *   levels (here ~60-70 ns and ~300-400 ns) with 3-4x different throughput
 *   of every handoff-bound point. stats_regimes() groups probe values into
 *   such regimes: sorted, consecutive values belong to the same regime
 *   unless the larger is more than STATS_REGIME_GAP times the smaller or
 *   than the regime's first value, and a group of fewer than
 *   STATS_REGIME_MIN_VALUES values is an outlier, in no regime. A
 *   probe's own noise within a regime stays within ~10 % here; the levels are
 *   2.5-6x apart. stats_repeat_regimes() gives each repeat the regime of its
 *   probes before and after, or STATS_REGIME_MIXED when they disagree (the
 *   placement moved during the repeat: it belongs to neither).
 *
 * Inputs are finite numbers; fairness inputs are non-negative. No function
 * modifies its input.
 */
#ifndef CONTEND_STATS_H
#define CONTEND_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* The confidence the median interval aims for (and reaches when n >= 6). */
#define STATS_CI_TARGET 0.95

struct summary {
	size_t n;           /* values summarised */
	double median;
	double ci95_low;    /* interval for the median, see above */
	double ci95_high;
	double mean;
	double stddev;      /* sample standard deviation (n - 1 divisor) */
	double cv;          /* stddev / mean */
	double min, max;
	double ci_level;    /* confidence the interval achieves, as a fraction
	                       (0.9785 = 97.85 %) */
};

void stats_summarize(const double *v, size_t n, struct summary *out);

/* True when stddev and cv were measured (n >= 2); otherwise report them as
 * null. */
bool summary_has_spread(const struct summary *s);

/*
 * The order-statistic ranks (1-based) of the median interval for n values,
 * as used by stats_summarize(): *lo_rank = r, *hi_rank = n + 1 - r. Returns
 * the confidence level achieved (a fraction). n = 0 gives ranks 0, 0 and
 * level 0.
 */
double stats_median_ci_ranks(size_t n, size_t *lo_rank, size_t *hi_rank);

/* Jain's fairness index of x[0..n-1]; NAN when n = 0 or every x is 0 (no
 * work was shared, so fairness is undefined; callers report null). */
double stats_jain(const double *x, size_t n);

/* Smallest and largest share x[i] / sum(x) of the total; both NAN when n = 0
 * or the sum is 0. */
void stats_shares(const double *x, size_t n, double *min_share,
		  double *max_share);

/* Adjacent values more than this factor apart start a new regime, and no
 * regime spans more than this factor. */
#define STATS_REGIME_GAP 1.6
/* A group of fewer values is an outlier (a probe disturbed once), not a
 * placement: it joins no regime. */
#define STATS_REGIME_MIN_VALUES 3
/* A round trip beyond this (ns) is a probe that was preempted, not a
 * placement (placements here: ~60 and ~320 ns; across sockets of real
 * machines a few hundred ns): it joins no regime. */
#define STATS_REGIME_MAX_NS 2000.0
#define STATS_REGIME_NONE (-1)   /* no probe value (one thread, unpinned) */
#define STATS_REGIME_MIXED (-2)  /* probes before and after disagree */

/*
 * Group v[0..n-1] into regimes: id[i] = 0 for the regime of the smallest
 * values, 1 for the next, ...; STATS_REGIME_NONE for a value that is NAN,
 * not positive or over STATS_REGIME_MAX_NS. center (may be NULL; room for n) receives each regime's
 * median value. Returns the number of regimes.
 */
size_t stats_regimes(const double *v, size_t n, int *id, double *center);

/*
 * The regime of each of n repeats from its probe before[i] and after[i]
 * (either may be NAN): both values are grouped together by stats_regimes();
 * id[i] is their common regime, the regime of the one that is present, or
 * STATS_REGIME_MIXED / STATS_REGIME_NONE. center (may be NULL; room for 2n)
 * as above. Returns the number of regimes.
 */
size_t stats_repeat_regimes(const double *before, const double *after, size_t n, int *id,
			    double *center);

#endif
