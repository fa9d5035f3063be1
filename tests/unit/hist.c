/*
 * hist.c - the log-linear histogram: bucket layout, percentiles of known
 * distributions within the documented relative error, exact count/sum/min/max,
 * merging, and the empty histogram.
 *
 * Expected percentiles come from sorting the same values (nearest rank,
 * computed with integers), so the test checks the histogram against the
 * truth, not against its own arithmetic.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "../lib/unit.h"

/* splitmix64: a fixed-seed generator, so every run checks the same values. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1]. */
static double rng_unit(void)
{
	return ((double)(rng_next() >> 11) + 1) / 9007199254740992.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Percentiles asked for, in hundredths of a percent so the expected rank
 * ceil(p/100 * n) can be computed exactly with integers. */
static const unsigned pct_x100[] = { 0,    1,    100,  1000, 2500,
				     5000, 7500, 9000, 9900, 9990,
				     9999, 10000 };
#define NPCT (sizeof(pct_x100) / sizeof(pct_x100[0]))

/* Record v[0..n-1] into a fresh histogram and compare every percentile,
 * the count, min, max and mean with the truth. */
static void check_distribution(const char *name, uint64_t *v, size_t n)
{
	static struct hist h;
	const double err = hist_max_relative_error();
	long double sum = 0;

	hist_init(&h);
	for (size_t i = 0; i < n; i++) {
		hist_record(&h, v[i]);
		sum += v[i];
	}
	qsort(v, n, sizeof(*v), cmp_u64);

	CHECK(hist_count(&h) == n, "%s: count %llu != %zu", name,
	      (unsigned long long)hist_count(&h), n);
	CHECK(hist_min(&h) == v[0], "%s: min", name);
	CHECK(hist_max(&h) == v[n - 1], "%s: max", name);
	double mean = (double)(sum / n);
	CHECK(fabs(hist_mean(&h) - mean) <= 1e-12 * mean, "%s: mean %.17g != %.17g",
	      name, hist_mean(&h), mean);

	double worst = 0;
	for (size_t k = 0; k < NPCT; k++) {
		double pct = pct_x100[k] / 100.0;
		/* nearest rank; p = 0 means the minimum */
		uint64_t rank = ((uint64_t)pct_x100[k] * n + 9999) / 10000;
		if (rank == 0)
			rank = 1;
		uint64_t truth = v[rank - 1];
		uint64_t got = hist_value_at_percentile(&h, pct);
		double diff = got > truth ? (double)(got - truth) : (double)(truth - got);
		double rel = truth ? diff / (double)truth : diff;

		if (rel > worst)
			worst = rel;
		if (truth < 2 * HIST_SUB_COUNT)
			CHECK(got == truth, "%s: p%g = %llu, want exactly %llu", name,
			      pct, (unsigned long long)got, (unsigned long long)truth);
		else
			CHECK(rel <= err, "%s: p%g = %llu, true %llu, rel err %.4g > %.4g",
			      name, pct, (unsigned long long)got,
			      (unsigned long long)truth, rel, err);
	}
	CHECK(hist_value_at_percentile(&h, 100) == v[n - 1], "%s: p100 not exact max", name);
	CHECK(hist_value_at_percentile(&h, 0) == v[0], "%s: p0 not exact min", name);
	case_done("%s: n=%zu, %zu percentiles, worst relative error %.4f (bound %.4f)",
	       name, n, NPCT, worst, err);
}

/* Every bucket is contiguous with the next, indexes match hist_bucket_index,
 * the layout covers 0..UINT64_MAX, and every bucket is narrow enough for the
 * stated bound. */
static void check_layout(void)
{
	uint64_t expect_lo = 0;
	int bad = 0;

	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		uint64_t lo = hist_bucket_lowest(i), hi = hist_bucket_highest(i);
		if (lo != expect_lo || hi < lo || hist_bucket_index(lo) != i ||
		    hist_bucket_index(hi) != i) {
			if (bad++ < 5)
				diag("FAIL bucket %u: [%llu, %llu], expected start %llu",
				     i, (unsigned long long)lo, (unsigned long long)hi,
				     (unsigned long long)expect_lo);
			continue;
		}
		/* half the width over the smallest value in the bucket */
		double half_width = (double)(hi - lo + 1) / 2;
		if (hi > lo && half_width / (double)lo > hist_max_relative_error() + 1e-15)
			bad++;
		expect_lo = hi + 1;
	}
	CHECK(bad == 0, "%d buckets break the layout", bad);
	CHECK(hist_bucket_highest(HIST_BUCKETS - 1) == UINT64_MAX,
	      "last bucket ends at %llu",
	      (unsigned long long)hist_bucket_highest(HIST_BUCKETS - 1));
	CHECK(hist_bucket_index(UINT64_MAX) == HIST_BUCKETS - 1, "UINT64_MAX index");
	for (uint64_t v = 0; v < 2 * HIST_SUB_COUNT; v++)
		CHECK(hist_bucket_index(v) == v, "small value %llu not exact",
		      (unsigned long long)v);
	case_done("layout: %u buckets contiguous over 0..UINT64_MAX, %zu bytes per histogram",
	       (unsigned)HIST_BUCKETS, sizeof(struct hist));
}

static void check_empty(void)
{
	struct hist h, other;

	hist_init(&h);
	CHECK(hist_count(&h) == 0, "empty count");
	CHECK(hist_value_at_percentile(&h, 0) == 0, "empty p0");
	CHECK(hist_value_at_percentile(&h, 50) == 0, "empty p50");
	CHECK(hist_value_at_percentile(&h, 100) == 0, "empty p100");
	CHECK(hist_min(&h) == 0 && hist_max(&h) == 0, "empty min/max");
	CHECK(isnan(hist_mean(&h)), "empty mean should be NAN");

	/* merging an empty histogram changes nothing, in either direction */
	hist_init(&other);
	hist_record(&other, 42);
	hist_record(&other, 7);
	struct hist before = other;
	hist_merge(&other, &h);
	CHECK(memcmp(&before, &other, sizeof(other)) == 0, "merge of empty changed dst");
	hist_merge(&h, &other);
	CHECK(memcmp(&h, &other, sizeof(h)) == 0, "merge into empty != src");
	case_done("empty: count 0, percentiles 0, mean NAN, merge identity");
}

static void check_merge(void)
{
	static struct hist a, b, both;

	hist_init(&a);
	hist_init(&b);
	hist_init(&both);
	rng_state = 7;
	for (int i = 0; i < 50000; i++) {
		uint64_t x = rng_next() >> (rng_next() % 64);
		uint64_t y = rng_next() % 1000;
		hist_record(&a, x);
		hist_record(&both, x);
		hist_record(&b, y);
		hist_record(&both, y);
	}
	/* near-UINT64_MAX values make the low word of the sum carry */
	hist_record(&a, UINT64_MAX);
	hist_record(&both, UINT64_MAX);
	hist_merge(&a, &b);
	CHECK(memcmp(&a, &both, sizeof(a)) == 0,
	      "merge(a, b) differs from recording both streams");
	CHECK(a.sum_hi > 0, "test did not exercise the sum carry");
	case_done("merge: merge(a, b) == one histogram of both streams (100001 values)");
}

static void check_sum_exact(void)
{
	struct hist h;

	hist_init(&h);
	for (int i = 0; i < 4; i++)
		hist_record(&h, UINT64_MAX);
	CHECK(hist_mean(&h) == 18446744073709551615.0, "mean of 4 x UINT64_MAX = %.17g",
	      hist_mean(&h));
	CHECK(h.sum_hi == 3 && h.sum_lo == UINT64_MAX - 3, "128-bit sum wrong");

	/* the carry of a merge: two sums whose low words overflow together */
	struct hist a, b;
	hist_init(&a);
	hist_init(&b);
	hist_record(&a, UINT64_MAX);
	hist_record(&b, UINT64_MAX);
	hist_record(&b, 2);
	hist_merge(&a, &b);
	CHECK(a.sum_hi == 2 && a.sum_lo == 0, "merge carry: sum %llu:%llu, want 2:0",
	      (unsigned long long)a.sum_hi, (unsigned long long)a.sum_lo);
	case_done("sum: exact beyond 2^64, in records and in merges");
}

int main(void)
{
	enum { N = 100000 };
	static uint64_t v[N];

	check_layout();
	check_empty();

	for (size_t i = 0; i < N; i++)
		v[i] = i + 1;
	check_distribution("uniform 1..100000", v, N);

	rng_state = 12345;
	for (size_t i = 0; i < N; i++) /* mean 10^6 cycles */
		v[i] = (uint64_t)(-1e6 * log(rng_unit()));
	check_distribution("exponential mean 1e6 seed 12345", v, N);

	for (size_t i = 0; i < N; i++) /* 90 % fast, 10 % slow */
		v[i] = i % 10 == 9 ? 5000000 : 100;
	check_distribution("two-point 100 / 5e6", v, N);

	for (size_t i = 0; i < 1000; i++)
		v[i] = 123456789;
	check_distribution("all equal 123456789", v, 1000);

	for (size_t i = 0; i < 1000; i++)
		v[i] = i % 2 ? UINT64_MAX : 0;
	check_distribution("extremes 0 / UINT64_MAX", v, 1000);

	rng_state = 99;
	for (size_t i = 0; i < N; i++) /* every magnitude */
		v[i] = rng_next() >> (rng_next() % 64);
	check_distribution("log-uniform over 64 bits seed 99", v, N);

	check_merge();
	check_sum_exact();

	return done_testing();
}
