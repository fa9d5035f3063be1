/*
 * hist.h - log-linear histogram of unsigned 64-bit values with a bounded
 * relative error; fixed size, no allocation, mergeable across threads and
 * repeats. The harness records TSC cycles into it (acquire latency, hold
 * time) and converts to nanoseconds only when reporting.
 *
 * Bucket layout (HIST_SUB_BITS = S = 5, HIST_SUB_COUNT = 2^S = 32)
 *   - Values below 2^(S+1) = 64 each have their own bucket: index = value.
 *   - A value v >= 64 with highest set bit e (2^e <= v < 2^(e+1)) falls in
 *     one of 32 equal-width buckets spanning [2^e, 2^(e+1)): its width is
 *     2^shift with shift = e - S, and
 *         index = shift * 32 + (v >> shift),   v >> shift in [32, 64).
 *     The same formula covers v < 64 with shift = 0, which is how
 *     hist_bucket_index() computes it without a branch.
 *   - The largest index is 58 * 32 + 63 = 1919 (v = UINT64_MAX), so there
 *     are HIST_BUCKETS = 1920 counters: 15 KB of counts, the whole 64-bit
 *     range. S = 5 rather than 4 so that a percentile is within 2 % at
 *     1 us (1/64 = 1.6 %; at 4, every 1 us section of a run read as one
 *     bucket's midpoint, 3 % away).
 *
 * Error bound
 *   A bucket of width w = 2^shift (shift >= 1) starts at >= 32 w. Percentiles
 *   return the bucket's midpoint (rounded down), which lies within w/2 of
 *   every value in the bucket, so for the true value v at the requested rank
 *   the result r satisfies
 *         |r - v| <= v / 64 = hist_max_relative_error() * v,
 *   and r == v for values below 64. Results are also clamped to the exact
 *   [min, max] recorded, which can only bring them closer.
 *
 * Percentile definition: nearest rank. For 0 < pct < 100 the result
 *   represents the value of rank ceil(pct/100 * count) (1-based) in sorted
 *   order; pct <= 0 returns the exact minimum and pct >= 100 the exact
 *   maximum.
 *
 * Empty histogram: hist_count() = 0, every percentile and hist_min(),
 *   hist_max() return 0, hist_mean() returns NAN. These are not measurements:
 *   callers check hist_count() and report null.
 *
 * count, sum, min and max are exact. The sum is kept as a 128-bit pair
 * (sum_lo + 2^64 sum_hi), so it cannot overflow for any realistic count.
 *
 * Not thread-safe: each thread records into its own histogram (no shared
 * cache lines in the hot loop) and the owner merges them afterwards.
 */
#ifndef CONTEND_HIST_H
#define CONTEND_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 5
#define HIST_SUB_COUNT (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB_COUNT)

struct hist {
	uint64_t count;   /* values recorded */
	uint64_t sum_lo;  /* exact sum = sum_lo + 2^64 * sum_hi */
	uint64_t sum_hi;
	uint64_t min;     /* UINT64_MAX while empty */
	uint64_t max;     /* 0 while empty */
	uint64_t counts[HIST_BUCKETS];
};

/* Index of the bucket holding v (see the layout above). */
static inline unsigned hist_bucket_index(uint64_t v)
{
	/* OR-ing in HIST_SUB_COUNT keeps the argument of clz non-zero and
	 * makes values below 2^(S+1) use shift 0, i.e. index = v. */
	unsigned e = 63u - (unsigned)__builtin_clzll(v | HIST_SUB_COUNT);
	unsigned shift = e - HIST_SUB_BITS;
	return (shift << HIST_SUB_BITS) + (unsigned)(v >> shift);
}

/* Add one value. Inline and allocation-free for the measurement loop; the
 * only branches are the min/max updates, which compile to conditional moves. */
static inline void hist_record(struct hist *h, uint64_t v)
{
	h->counts[hist_bucket_index(v)]++;
	h->count++;
	h->sum_lo += v;
	h->sum_hi += h->sum_lo < v; /* carry out of the low word */
	h->min = v < h->min ? v : h->min;
	h->max = v > h->max ? v : h->max;
}

/* Make h empty. */
void hist_init(struct hist *h);

/* dst += src: afterwards dst is exactly what recording both streams into one
 * histogram would have produced. */
void hist_merge(struct hist *dst, const struct hist *src);

/* dst += weight copies of src: what recording each of src's values weight
 * times would have produced (weight 0 counts as 1). For merging samples
 * taken at different periods: a sample taken one acquisition in 8 stands
 * for 8 acquisitions, and one taken one in 2 for 2. */
void hist_merge_weighted(struct hist *dst, const struct hist *src, uint64_t weight);

/* Representative value at percentile pct (0..100) within the bound above;
 * 0 when empty. NaN pct is treated as 0. */
uint64_t hist_value_at_percentile(const struct hist *h, double pct);

/* Exact mean of the values recorded (as a double); NAN when empty. */
double hist_mean(const struct hist *h);
/* Mean of the values up to limit (buckets wholly at or below it, each
 * value taken as its bucket's midpoint, within the error bound below);
 * NAN when there are none. */
double hist_mean_below(const struct hist *h, uint64_t limit);
uint64_t hist_count(const struct hist *h);
/* Exact extremes; 0 when empty. */
uint64_t hist_min(const struct hist *h);
uint64_t hist_max(const struct hist *h);

/* The bound on |result - true value| / true value of percentile queries:
 * 1 / (2 * HIST_SUB_COUNT) = 1/64. */
double hist_max_relative_error(void);

/* Smallest and largest value that falls in bucket i (< HIST_BUCKETS). */
uint64_t hist_bucket_lowest(unsigned i);
uint64_t hist_bucket_highest(unsigned i);

#endif
