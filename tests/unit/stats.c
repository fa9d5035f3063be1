/*
 * stats.c - repeat summaries (median, order-statistic confidence
 * interval, mean, stddev, cv) and fairness (Jain's index, shares) on inputs
 * whose answers are known by hand.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "../lib/unit.h"

static int near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

/* C(n, k) / 2^n summed for k < r, exactly enough for n <= 60. */
static double binom_half_cdf(unsigned n, unsigned r_minus_1)
{
	double c = 1, sum = 0;
	for (unsigned k = 0; k <= r_minus_1; k++) {
		sum += c;
		c = c * (n - k) / (k + 1);
	}
	return sum / ldexp(1.0, (int)n);
}

static void check_ranks(void)
{
	/* n, lower rank, upper rank, level (from C(n,k) by hand) */
	static const struct {
		size_t n, lo, hi;
		double level;
	} want[] = {
		{ 1, 1, 1, 0.0 },
		{ 2, 1, 2, 0.5 },
		{ 5, 1, 5, 0.9375 },       /* 1 - 2/32: below 95 %, [min, max] */
		{ 6, 1, 6, 0.96875 },      /* 1 - 2/64 */
		{ 10, 2, 9, 0.978515625 }, /* 1 - 2 * 11/1024 */
		{ 20, 6, 15, 1 - 2 * 21700.0 / 1048576 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t lo, hi;
		double level = stats_median_ci_ranks(want[i].n, &lo, &hi);
		CHECK(lo == want[i].lo && hi == want[i].hi,
		      "n=%zu: ranks %zu, %zu; want %zu, %zu", want[i].n, lo, hi,
		      want[i].lo, want[i].hi);
		CHECK(near(level, want[i].level, 1e-12), "n=%zu: level %.15g, want %.15g",
		      want[i].n, level, want[i].level);
	}

	/* For n = 6..60 the interval is the narrowest reaching 95 %: its level
	 * is >= 95 % and moving one rank inwards would drop below. */
	for (unsigned n = 6; n <= 60; n++) {
		size_t lo, hi;
		double level = stats_median_ci_ranks(n, &lo, &hi);
		double exact = 1 - 2 * binom_half_cdf(n, (unsigned)lo - 1);
		double inner = 1 - 2 * binom_half_cdf(n, (unsigned)lo);
		CHECK(hi == n + 1 - lo, "n=%u: ranks not symmetric", n);
		CHECK(level >= 0.95 && near(level, exact, 1e-12),
		      "n=%u: level %.6f (exact %.6f)", n, level, exact);
		CHECK(2 * (lo + 1) > n + 1 || inner < 0.95,
		      "n=%u: rank %zu is not the narrowest at 95%%", n, lo);
	}

	/* Large n stays finite (2^-n underflows) and near the normal
	 * approximation n/2 - 1.96 sqrt(n)/2. */
	size_t lo, hi;
	double level = stats_median_ci_ranks(100000, &lo, &hi);
	double approx = 50000 - 1.96 * sqrt(100000) / 2;
	CHECK(level >= 0.95 && level < 0.951 && fabs((double)lo - approx) < 3,
	      "n=100000: rank %zu (approx %.1f), level %.5f", lo, approx, level);
	case_done("ranks: n=5 -> 1,5 (93.75%%), n=10 -> 2,9 (97.85%%), n=20 -> 6,15 "
	       "(95.86%%), narrowest >= 95%% for n=6..60, n=1e5 rank %zu", lo);
}

static void check_summaries(void)
{
	struct summary s;

	/* odd n, shuffled input: median is the middle value */
	double odd[] = { 9, 1, 5, 3, 7 };
	double odd_copy[5];
	memcpy(odd_copy, odd, sizeof(odd));
	stats_summarize(odd, 5, &s);
	CHECK(memcmp(odd, odd_copy, sizeof(odd)) == 0, "input modified");
	CHECK(s.n == 5 && s.median == 5 && s.min == 1 && s.max == 9, "odd n median/min/max");
	CHECK(s.ci95_low == 1 && s.ci95_high == 9 && s.ci_level == 0.9375,
	      "n=5 interval [%g, %g] at %g", s.ci95_low, s.ci95_high, s.ci_level);
	/* mean 5, deviations 4,4,0,2,2 squared = 16+16+0+4+4 = 40, /4 = 10 */
	CHECK(s.mean == 5 && near(s.stddev, sqrt(10), 1e-12) &&
	      near(s.cv, sqrt(10) / 5, 1e-12), "stddev %g cv %g", s.stddev, s.cv);
	CHECK(summary_has_spread(&s), "n=5 has spread");

	/* even n: mean of the two middle values */
	double even[] = { 4, 1, 3, 2 };
	stats_summarize(even, 4, &s);
	CHECK(s.median == 2.5, "even n median %g", s.median);

	/* n = 10: values 10..100 reversed; interval = 2nd and 9th smallest */
	double ten[10];
	for (int i = 0; i < 10; i++)
		ten[i] = 100 - 10 * i;
	stats_summarize(ten, 10, &s);
	CHECK(s.median == 55 && s.ci95_low == 20 && s.ci95_high == 90 &&
	      near(s.ci_level, 0.978515625, 1e-12),
	      "n=10: median %g [%g, %g] at %g", s.median, s.ci95_low, s.ci95_high,
	      s.ci_level);
	CHECK(s.ci95_low <= s.median && s.median <= s.ci95_high, "n=10 CI covers median");

	/* n = 20 with ties: ranks 6 and 15 */
	double twenty[20];
	for (int i = 0; i < 20; i++)
		twenty[i] = (i * 7) % 20 / 2; /* 0,0,1,1,...,9,9 shuffled */
	stats_summarize(twenty, 20, &s);
	CHECK(s.ci95_low == 2 && s.ci95_high == 7 && s.median == 4.5,
	      "n=20: median %g [%g, %g]", s.median, s.ci95_low, s.ci95_high);

	/* cv known: {90, 100, 110}: mean 100, sample stddev 10, cv 0.1 */
	double cvv[] = { 110, 90, 100 };
	stats_summarize(cvv, 3, &s);
	CHECK(near(s.cv, 0.1, 1e-12) && near(s.stddev, 10, 1e-12), "cv %g", s.cv);

	/* tiny spread around a large mean (two-pass accuracy) */
	double big[] = { 1e9 + 1, 1e9 - 1, 1e9 + 1, 1e9 - 1 };
	stats_summarize(big, 4, &s);
	CHECK(near(s.stddev, sqrt(4.0 / 3), 1e-6), "stddev near 1e9: %g", s.stddev);

	/* n = 1: placeholders, no spread */
	double one[] = { 42 };
	stats_summarize(one, 1, &s);
	CHECK(s.median == 42 && s.ci95_low == 42 && s.ci95_high == 42 &&
	      s.ci_level == 0 && s.cv == 0 && s.stddev == 0 && !summary_has_spread(&s),
	      "n=1 summary");

	/* n = 0: nothing measured */
	stats_summarize(NULL, 0, &s);
	CHECK(s.n == 0 && isnan(s.median) && isnan(s.mean) && s.ci_level == 0 &&
	      !summary_has_spread(&s), "n=0 summary");

	/* mean 0: cv undefined */
	double zero_mean[] = { -1, 1 };
	stats_summarize(zero_mean, 2, &s);
	CHECK(isnan(s.cv), "cv with mean 0 should be NAN, got %g", s.cv);

	/* longer than the stack copy: goes through the heap path */
	enum { LONG_N = 1001 };
	static double longv[LONG_N];
	for (int i = 0; i < LONG_N; i++)
		longv[i] = (i * 577) % LONG_N; /* a permutation of 0..1000 */
	stats_summarize(longv, LONG_N, &s);
	size_t lo, hi;
	stats_median_ci_ranks(LONG_N, &lo, &hi);
	CHECK(s.median == 500 && s.ci95_low == (double)(lo - 1) &&
	      s.ci95_high == (double)(hi - 1) && s.min == 0 && s.max == 1000,
	      "n=1001: median %g [%g, %g]", s.median, s.ci95_low, s.ci95_high);
	case_done("summaries: odd/even medians, n=5/10/20/1001 intervals, cv, n=0/1, "
	       "input untouched");
}

static void check_fairness(void)
{
	double equal[] = { 5, 5, 5, 5 };
	double onehot[] = { 0, 0, 12, 0, 0 };
	double ex[] = { 1, 2, 3, 4 }; /* (10)^2 / (4 * 30) = 100/120 */
	double zeros[] = { 0, 0, 0 };
	double mn, mx;

	CHECK(near(stats_jain(equal, 4), 1, 1e-15), "jain equal %g", stats_jain(equal, 4));
	CHECK(near(stats_jain(onehot, 5), 0.2, 1e-15), "jain one-hot %g",
	      stats_jain(onehot, 5));
	CHECK(near(stats_jain(ex, 4), 100.0 / 120, 1e-15), "jain 1..4 %g", stats_jain(ex, 4));
	CHECK(isnan(stats_jain(zeros, 3)), "jain all-zero should be NAN");
	CHECK(isnan(stats_jain(NULL, 0)), "jain n=0 should be NAN");

	stats_shares(ex, 4, &mn, &mx);
	CHECK(near(mn, 0.1, 1e-15) && near(mx, 0.4, 1e-15), "shares %g %g", mn, mx);
	stats_shares(onehot, 5, &mn, &mx);
	CHECK(mn == 0 && mx == 1, "one-hot shares %g %g", mn, mx);
	stats_shares(zeros, 3, &mn, &mx);
	CHECK(isnan(mn) && isnan(mx), "all-zero shares should be NAN");
	case_done("fairness: Jain equal=1, one-hot=1/n, 1..4=5/6, all-zero=NAN; shares");
}

/* Regimes: the round trips a 2-thread point's probes saw on this VM, two
 * placements ~5x apart; probe noise within each must not split them. */
static void check_regimes(void)
{
	const double v[] = { 312, 63, 341, 331, 62, NAN, 318, 66, 0, 400, 71213, 3537 };
	int id[12];
	double center[12];
	size_t n = stats_regimes(v, 12, id, center);
	CHECK(n == 2, "two placements, got %zu regimes", n);
	CHECK(id[1] == 0 && id[4] == 0 && id[7] == 0, "fast regime 0: %d %d %d", id[1], id[4], id[7]);
	CHECK(id[0] == 1 && id[2] == 1 && id[3] == 1 && id[6] == 1 && id[9] == 1,
	      "slow regime 1: %d %d %d %d %d", id[0], id[2], id[3], id[6], id[9]);
	CHECK(id[5] == STATS_REGIME_NONE && id[8] == STATS_REGIME_NONE, "NAN and 0: no regime");
	CHECK(id[10] == STATS_REGIME_NONE && id[11] == STATS_REGIME_NONE,
	      "preempted probes (71 us, 3.5 us) are no placement: %d %d", id[10], id[11]);
	CHECK(center[0] == 63 && near(center[1], 331, 1e-9), "centers %g %g", center[0], center[1]);

	const double flat[] = { 70, 75, 80, 86, 92 }; /* drift of 1.07x steps: one regime */
	n = stats_regimes(flat, 5, id, NULL);
	CHECK(n == 1 && id[0] == 0 && id[4] == 0, "slow drift is one regime, got %zu", n);
	n = stats_regimes(flat, 0, id, NULL);
	CHECK(n == 0, "no values, no regime");

	/* An outlier probe (142.9 ns once, between the placements) makes no
	 * regime of its own (issue 27). */
	const double odd[] = { 63, 61, 65, 142.9, 318, 331, 325 };
	n = stats_regimes(odd, 7, id, center);
	CHECK(n == 2 && id[3] == STATS_REGIME_NONE && id[0] == 0 && id[4] == 1,
	      "an outlier makes no regime: %zu regimes, 142.9 in %d", n, id[3]);
	/* Stray probes between two placements, each step under the gap: single
	 * linkage would chain 60 to 320 into one regime. */
	const double chain[] = { 60, 61, 62, 59, 90, 140, 215, 320, 322, 318, 330 };
	n = stats_regimes(chain, 11, id, center);
	CHECK(n == 2 && id[0] == 0 && id[4] == 0 && id[5] == STATS_REGIME_NONE &&
	      id[6] == STATS_REGIME_NONE && id[7] == 1 && id[10] == 1,
	      "no chain from 60 to 320 ns through 90, 140, 215: %zu regimes (ids %d %d %d %d %d)",
	      n, id[0], id[4], id[5], id[6], id[7]);

	/* Repeats: before/after agree, one missing, disagree (moved mid-repeat). */
	const double before[] = { 320, 63, NAN, 320, NAN };
	const double after[] = { 330, 64, 61, 62, NAN };
	n = stats_repeat_regimes(before, after, 5, id, center);
	CHECK(n == 2, "repeat regimes: %zu", n);
	CHECK(id[0] == 1 && id[1] == 0 && id[2] == 0, "repeat regimes %d %d %d", id[0], id[1], id[2]);
	CHECK(id[3] == STATS_REGIME_MIXED, "moved during the repeat: mixed, got %d", id[3]);
	CHECK(id[4] == STATS_REGIME_NONE, "no probe: none, got %d", id[4]);
	case_done("regimes: placements 5x apart split, noise and drift do not");
}

int main(void)
{
	check_ranks();
	check_summaries();
	check_fairness();
	check_regimes();
	return done_testing();
}
