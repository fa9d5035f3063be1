/* stats.c - repeat summaries and fairness indexes (see stats.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Copies of up to this many values live on the stack; longer inputs are
 * copied to the heap. */
#define STACK_VALUES 256

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * k-th smallest (1-based) of v[0..n-1]. With a sorted copy this is a lookup;
 * without one (the heap copy could not be made) it is found by counting,
 * O(n^2) but correct and allocation-free: x is the k-th smallest when fewer
 * than k values are below it and at least k are at or below it.
 */
static double kth_smallest(const double *v, const double *sorted, size_t n,
			   size_t k)
{
	if (sorted)
		return sorted[k - 1];
	for (size_t i = 0; i < n; i++) {
		size_t below = 0, at_or_below = 0;
		for (size_t j = 0; j < n; j++) {
			below += v[j] < v[i];
			at_or_below += v[j] <= v[i];
		}
		if (below < k && k <= at_or_below)
			return v[i];
	}
	return NAN; /* only with NaN inputs, which stats.h excludes */
}

double stats_median_ci_ranks(size_t n, size_t *lo_rank, size_t *hi_rank)
{
	if (n == 0) {
		*lo_rank = *hi_rank = 0;
		return 0;
	}
	/*
	 * level(r) = 1 - 2 * P(Bin(n, 1/2) <= r - 1) falls as r grows. Walk
	 * the binomial pmf in log space (2^-n underflows beyond n ~ 1070):
	 * log pmf(0) = -n ln 2, pmf(i + 1) = pmf(i) * (n - i) / (i + 1).
	 */
	double log_pmf = -(double)n * log(2.0);
	double cdf = exp(log_pmf); /* P(Bin <= r - 1) for r = 1 */
	size_t r = 1;

	/* Only ranks r <= n + 1 - r form an interval. */
	while (2 * (r + 1) <= n + 1) {
		double next_log_pmf = log_pmf + log((double)(n - (r - 1))) - log((double)r);
		double next_cdf = cdf + exp(next_log_pmf);
		if (1 - 2 * next_cdf < STATS_CI_TARGET)
			break;
		log_pmf = next_log_pmf;
		cdf = next_cdf;
		r++;
	}
	*lo_rank = r;
	*hi_rank = n + 1 - r;
	double level = 1 - 2 * cdf;
	return level > 0 ? level : 0;
}

void stats_summarize(const double *v, size_t n, struct summary *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0) {
		out->median = out->ci95_low = out->ci95_high = NAN;
		out->mean = out->stddev = out->cv = out->min = out->max = NAN;
		out->ci_level = 0;
		return;
	}

	double stack_copy[STACK_VALUES];
	double *sorted = n <= STACK_VALUES ? stack_copy : malloc(n * sizeof(*v));
	if (sorted) {
		memcpy(sorted, v, n * sizeof(*v));
		qsort(sorted, n, sizeof(*sorted), cmp_double);
	}

	out->min = kth_smallest(v, sorted, n, 1);
	out->max = kth_smallest(v, sorted, n, n);
	if (n % 2)
		out->median = kth_smallest(v, sorted, n, n / 2 + 1);
	else
		out->median = (kth_smallest(v, sorted, n, n / 2) +
			       kth_smallest(v, sorted, n, n / 2 + 1)) / 2;

	size_t lo, hi;
	out->ci_level = stats_median_ci_ranks(n, &lo, &hi);
	out->ci95_low = kth_smallest(v, sorted, n, lo);
	out->ci95_high = kth_smallest(v, sorted, n, hi);

	if (sorted && sorted != stack_copy)
		free(sorted);

	/* Two passes: the deviations are summed around the mean, which keeps
	 * the variance accurate when the spread is tiny next to the values
	 * (throughputs of millions varying by a few per cent). */
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	out->mean = sum / (double)n;
	if (n < 2) {
		out->stddev = 0;
		out->cv = 0;
		return;
	}
	double sq = 0;
	for (size_t i = 0; i < n; i++)
		sq += (v[i] - out->mean) * (v[i] - out->mean);
	out->stddev = sqrt(sq / (double)(n - 1));
	out->cv = out->mean != 0 ? out->stddev / out->mean : NAN;
}

bool summary_has_spread(const struct summary *s)
{
	return s->n >= 2;
}

double stats_jain(const double *x, size_t n)
{
	double sum = 0, sum_sq = 0;

	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		sum_sq += x[i] * x[i];
	}
	if (n == 0 || sum_sq == 0)
		return NAN;
	return sum * sum / ((double)n * sum_sq);
}

void stats_shares(const double *x, size_t n, double *min_share,
		  double *max_share)
{
	double sum = 0, lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	if (n == 0 || sum == 0) {
		*min_share = *max_share = NAN;
		return;
	}
	*min_share = lo / sum;
	*max_share = hi / sum;
}

size_t stats_regimes(const double *v, size_t n, int *id, double *center)
{
	double *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	size_t m = 0, nreg = 0;

	if (sorted == NULL) {
		for (size_t i = 0; i < n; i++)
			id[i] = STATS_REGIME_NONE;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]) && v[i] > 0 && v[i] <= STATS_REGIME_MAX_NS)
			sorted[m++] = v[i];
	qsort(sorted, m, sizeof(*sorted), cmp_double);
	/* Reuse the sorted array: sorted[k] becomes the regime's upper bound
	 * when k ends a regime; bounds[] are the ends, in order. */
	size_t start = 0;
	for (size_t k = 0; k < m; k++) {
		/* A regime ends at a gap, or where it would span more than the
		 * gap itself: single linkage alone chains through stray probes
		 * between two placements (60, 90, 140, 215, 320 ns: each step
		 * under 1.6x) and merges them. */
		if (k + 1 == m || sorted[k + 1] > sorted[k] * STATS_REGIME_GAP ||
		    sorted[k + 1] > sorted[start] * STATS_REGIME_GAP) {
			if (k + 1 - start < STATS_REGIME_MIN_VALUES) {
				/* too few to be a placement: an outlier (its
				 * values keep STATS_REGIME_NONE, set below) */
				for (size_t i = 0; i < n; i++)
					if (isfinite(v[i]) && v[i] >= sorted[start] &&
					    v[i] <= sorted[k])
						id[i] = STATS_REGIME_NONE;
				start = k + 1;
				continue;
			}
			if (center) {
				size_t len = k - start + 1;
				center[nreg] = len % 2 ? sorted[start + len / 2]
						       : (sorted[start + len / 2 - 1] +
							  sorted[start + len / 2]) / 2;
			}
			/* the regime's range is [sorted[start], sorted[k]] */
			for (size_t i = 0; i < n; i++)
				if (isfinite(v[i]) && v[i] >= sorted[start] && v[i] <= sorted[k])
					id[i] = (int)nreg;
			nreg++;
			start = k + 1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!(isfinite(v[i]) && v[i] > 0 && v[i] <= STATS_REGIME_MAX_NS))
			id[i] = STATS_REGIME_NONE;
	free(sorted);
	return nreg;
}

size_t stats_repeat_regimes(const double *before, const double *after, size_t n, int *id,
			    double *center)
{
	double *v = calloc(n ? 2 * n : 1, sizeof(*v));
	int *vid = malloc((n ? 2 * n : 1) * sizeof(*vid));
	size_t nreg = 0;

	if (v == NULL || vid == NULL) {
		for (size_t i = 0; i < n; i++)
			id[i] = STATS_REGIME_NONE;
		free(v);
		free(vid);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		v[2 * i] = before[i];
		v[2 * i + 1] = after[i];
	}
	nreg = stats_regimes(v, 2 * n, vid, center);
	for (size_t i = 0; i < n; i++) {
		int a = vid[2 * i], b = vid[2 * i + 1];
		if (a == STATS_REGIME_NONE)
			id[i] = b;
		else if (b == STATS_REGIME_NONE || a == b)
			id[i] = a;
		else
			id[i] = STATS_REGIME_MIXED;
	}
	free(v);
	free(vid);
	return nreg;
}
