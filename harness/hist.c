/* hist.c - the out-of-line parts of the log-linear histogram (see hist.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "hist.h"

/* The layout in hist.h relies on these; a change of HIST_SUB_BITS must keep
 * them true. */
_Static_assert(HIST_SUB_BITS >= 1 && HIST_SUB_BITS < 32, "sub-bucket bits");
_Static_assert(HIST_BUCKETS == (64 - HIST_SUB_BITS + 1) * HIST_SUB_COUNT,
	       "bucket count covers the 64-bit range");

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->count += src->count;
	dst->sum_lo += src->sum_lo;
	dst->sum_hi += src->sum_hi + (dst->sum_lo < src->sum_lo);
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

void hist_merge_weighted(struct hist *dst, const struct hist *src, uint64_t weight)
{
	if (weight <= 1) {
		hist_merge(dst, src);
		return;
	}
	if (src->count == 0)
		return;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i] * weight;
	dst->count += src->count * weight;
	unsigned __int128 sum = ((unsigned __int128)src->sum_hi << 64 | src->sum_lo) * weight;
	unsigned __int128 total = ((unsigned __int128)dst->sum_hi << 64 | dst->sum_lo) + sum;
	dst->sum_lo = (uint64_t)total;
	dst->sum_hi = (uint64_t)(total >> 64);
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Width exponent of bucket i: indexes below 2 * HIST_SUB_COUNT are exact
 * (shift 0); above, index = shift * SUB_COUNT + m with m in [SUB_COUNT,
 * 2 * SUB_COUNT), so index / SUB_COUNT = shift + 1. */
static unsigned bucket_shift(unsigned i)
{
	return i < 2 * HIST_SUB_COUNT ? 0 : (i >> HIST_SUB_BITS) - 1;
}

uint64_t hist_bucket_lowest(unsigned i)
{
	unsigned shift = bucket_shift(i);
	uint64_t m = i - (shift << HIST_SUB_BITS);
	return m << shift;
}

uint64_t hist_bucket_highest(unsigned i)
{
	/* lowest + (2^shift - 1) never overflows: the last bucket ends at
	 * exactly UINT64_MAX. */
	return hist_bucket_lowest(i) + ((UINT64_C(1) << bucket_shift(i)) - 1);
}

uint64_t hist_value_at_percentile(const struct hist *h, double pct)
{
	if (h->count == 0)
		return 0;
	if (!(pct > 0))
		return h->min;
	if (pct >= 100)
		return h->max;

	/* Nearest rank, 1-based. pct * count / 100 is rarely exact in binary
	 * (99.9 is not), so a product within 1e-12 (relative) above an
	 * integer is taken as that integer: p99.9 of 1000 values is rank 999,
	 * not 1000. */
	double x = pct * (double)h->count / 100.0;
	double r = ceil(x - x * 1e-12);
	uint64_t rank = r < 1 ? 1 : r > (double)h->count ? h->count : (uint64_t)r;
	uint64_t seen = 0;
	unsigned i = 0;

	for (; i < HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	if (i == HIST_BUCKETS) /* counts inconsistent with count */
		return h->max;

	uint64_t lo = hist_bucket_lowest(i), hi = hist_bucket_highest(i);
	uint64_t mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

double hist_mean(const struct hist *h)
{
	if (h->count == 0)
		return NAN;
	return ((double)h->sum_hi * 18446744073709551616.0 + (double)h->sum_lo) /
	       (double)h->count;
}

double hist_mean_below(const struct hist *h, uint64_t limit)
{
	double sum = 0, n = 0;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (h->counts[i] == 0)
			continue;
		uint64_t lo = hist_bucket_lowest(i), hi = hist_bucket_highest(i);
		if (hi > limit)
			break;
		sum += (double)h->counts[i] * ((double)lo + (double)(hi - lo) / 2);
		n += (double)h->counts[i];
	}
	return n > 0 ? sum / n : NAN;
}

uint64_t hist_count(const struct hist *h)
{
	return h->count;
}

uint64_t hist_min(const struct hist *h)
{
	return h->count ? h->min : 0;
}

uint64_t hist_max(const struct hist *h)
{
	return h->count ? h->max : 0;
}

double hist_max_relative_error(void)
{
	return 1.0 / (2.0 * HIST_SUB_COUNT);
}
