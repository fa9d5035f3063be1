/*
 * tsc.c - calibration of the time base and of the busy delay, and the CPU
 * speed probe (see tsc.h).
 *
 * Every calibration takes the median of several short rounds rather than one
 * long one: on the development VM the host steals or slows a vCPU for
 * milliseconds to seconds at a time, and a median of rounds shrugs off a few
 * disturbed rounds where a single long measurement would absorb them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpuinfo.h"
#include "tsc.h"

#if TSC_HAVE_RDTSC
#include <cpuid.h>
#endif

#define CALIB_ROUNDS 7          /* rounds of the tick-rate measurement */
#define CALIB_ROUND_NS 10000000 /* 10 ms each: ~70 ms in all */
#define PAIR_TRIES 5            /* (tick, clock) reads per end point */
#define COST_ROUNDS 5
#define COST_CALLS 2000         /* tsc_now() calls per cost round */
#define DELAY_ROUNDS 9
#define DELAY_ROUND_NS 500000.0 /* ~0.5 ms per delay round */
#define PROBE_LOOPS 20000       /* delay_loops() iterations of the speed probe */
#define NOMINAL_TOLERANCE 0.01  /* cntfrq_el0 is trusted within 1 % of the
                                   measured rate */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of v[0..n-1], n >= 1; reorders v. */
static double median_inplace(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int mono_ns(uint64_t *ns)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0)
		return -1;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

/*
 * A simultaneous reading of the tick counter and the monotonic clock: the
 * clock read bracketed by two tick reads, keeping the tightest bracket of a
 * few tries, so an interrupt or preemption in the middle of one try is
 * discarded. The tick value is the bracket's midpoint. (The clock_gettime
 * time base needs no calibration, hence no pairs.)
 */
#if TSC_HAVE_RDTSC || TSC_HAVE_CNTVCT
static int read_pair(uint64_t *ticks, uint64_t *ns)
{
	uint64_t best_gap = UINT64_MAX;

	for (int i = 0; i < PAIR_TRIES; i++) {
		uint64_t t0 = tsc_now(), c;
		if (mono_ns(&c) != 0)
			return -1;
		uint64_t t1 = tsc_now();
		if (t1 - t0 < best_gap) {
			best_gap = t1 - t0;
			*ticks = t0 + (t1 - t0) / 2;
			*ns = c;
		}
	}
	return 0;
}

#endif

#if TSC_HAVE_RDTSC
/* Advanced power management leaf: EDX bit 8 = invariant TSC (Intel SDM
 * vol. 2 CPUID; AMD APM vol. 3, "TscInvariant"). */
static bool cpuid_invariant_tsc(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0x80000007u, &a, &b, &c, &d))
		return false;
	return (d >> 8) & 1u;
}

/* Hypervisors often hide leaf 0x80000007 while Linux still derives
 * constant_tsc + nonstop_tsc (rate fixed, runs in deep C-states), which
 * together mean the same thing. Whole words of the first "flags" line. */
static bool cpuinfo_invariant_tsc(void)
{
	char *flags = cpuinfo_field("flags");
	char *save = NULL;
	bool constant = false, nonstop = false;

	if (flags == NULL)
		return false;
	for (char *w = strtok_r(flags, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		constant |= strcmp(w, "constant_tsc") == 0;
		nonstop |= strcmp(w, "nonstop_tsc") == 0;
	}
	free(flags);
	return constant && nonstop;
}
#endif

static void check_invariant(struct tsc_info *out)
{
	out->why_not_invariant[0] = '\0';
#if TSC_HAVE_RDTSC
	out->invariant = cpuid_invariant_tsc() || cpuinfo_invariant_tsc();
	if (!out->invariant)
		snprintf(out->why_not_invariant, sizeof(out->why_not_invariant),
			 "cpuid 0x80000007 EDX bit 8 clear and /proc/cpuinfo lacks "
			 "constant_tsc+nonstop_tsc");
#else
	/* CLOCK_MONOTONIC_RAW ticks at 1 GHz by definition; the generic timer
	 * has a constant rate and runs in every power state by architecture. */
	out->invariant = true;
#endif
}

static int measure_hz(double *hz)
{
#if TSC_HAVE_RDTSC || TSC_HAVE_CNTVCT
	double rounds[CALIB_ROUNDS];
	const struct timespec pause = { 0, CALIB_ROUND_NS };

	for (int r = 0; r < CALIB_ROUNDS; r++) {
		uint64_t t0, c0, t1, c1;
		if (read_pair(&t0, &c0) != 0)
			return -1;
		/* Sleeping is as good as spinning for an invariant TSC and
		 * leaves the shared cores to others. */
		nanosleep(&pause, NULL);
		if (read_pair(&t1, &c1) != 0)
			return -1;
		if (c1 <= c0)
			return -1;
		rounds[r] = (double)(t1 - t0) * 1e9 / (double)(c1 - c0);
	}
	*hz = median_inplace(rounds, CALIB_ROUNDS);
#else
	uint64_t ns;
	if (mono_ns(&ns) != 0)
		return -1;
	*hz = 1e9;
#endif
	return 0;
}

static double measure_tsc_cost_ns(double hz)
{
	double rounds[COST_ROUNDS];
	volatile uint64_t sink = 0; /* keeps the reads from being dropped */

	for (int r = 0; r < COST_ROUNDS; r++) {
		uint64_t acc = 0;
		uint64_t t0 = tsc_now();
		for (int i = 0; i < COST_CALLS; i++)
			acc += tsc_now();
		uint64_t t1 = tsc_now();
		sink = acc;
		rounds[r] = (double)(t1 - t0) * 1e9 / hz / COST_CALLS;
	}
	(void)sink;
	return median_inplace(rounds, COST_ROUNDS);
}

int tsc_calibrate(struct tsc_info *out)
{
	double hz = 0;

	memset(out, 0, sizeof(*out));
	out->source = TSC_HAVE_RDTSC ? "rdtsc" : TSC_HAVE_CNTVCT ? "cntvct_el0" : "clock_gettime";
	check_invariant(out);
	/* Plausible rates: 100 MHz .. 100 GHz for a TSC, anything else is a
	 * broken clock, not a CPU; the generic timer runs at 1-1000 MHz
	 * (1 GHz from Armv8.6 on, tens of MHz before, 62.5 MHz in qemu). */
	double lo = TSC_HAVE_CNTVCT ? 1e6 : 1e8, hi = TSC_HAVE_CNTVCT ? 2e9 : 1e11;
	if (measure_hz(&hz) != 0 || !(hz > lo && hz < hi)) {
		out->hz = 0;
		out->rdtsc_cost_ns = NAN;
		return -1;
	}
#if TSC_HAVE_CNTVCT
	out->nominal_hz = (double)tsc_cntfrq();
	if (fabs(out->nominal_hz - hz) <= NOMINAL_TOLERANCE * hz)
		hz = out->nominal_hz;
#endif
	out->hz = hz;
	out->rdtsc_cost_ns = measure_tsc_cost_ns(hz);
	return 0;
}

/* Round x >= 0 to the nearest integer, saturating at UINT64_MAX. */
static uint64_t round_u64(double x)
{
	if (!(x > 0)) /* also catches NaN */
		return 0;
	if (x >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)(x + 0.5);
}

uint64_t tsc_ns_to_cycles(const struct tsc_info *ti, double ns)
{
	return round_u64(ns * ti->hz / 1e9);
}

double tsc_cycles_to_ns(const struct tsc_info *ti, uint64_t cycles)
{
	return (double)cycles * 1e9 / ti->hz;
}

int delay_calibrate(struct delay_calib *dc, const struct tsc_info *ti)
{
	double rounds[DELAY_ROUNDS];
	/* The loop count is read through a volatile after the first clock read
	 * (and delay_loops() ends in a volatile store), so the loop can
	 * neither be specialised for a constant nor moved out of the timed
	 * window. */
	volatile uint64_t n_volatile = 1u << 16;
	uint64_t t0, t1;

	dc->loops_per_ns = 0;
	if (!(ti->hz > 0))
		return -1;

	/* Size the rounds from a first short run (it also warms the loop). */
	t0 = tsc_now();
	uint64_t n = n_volatile;
	delay_loops(n);
	t1 = tsc_now();
	double guess = (double)n / tsc_cycles_to_ns(ti, t1 - t0 ? t1 - t0 : 1);
	n = round_u64(guess * DELAY_ROUND_NS);
	n_volatile = n < 1024 ? 1024 : n;

	for (int r = 0; r < DELAY_ROUNDS; r++) {
		t0 = tsc_now();
		n = n_volatile;
		delay_loops(n);
		t1 = tsc_now();
		rounds[r] = (double)n / tsc_cycles_to_ns(ti, t1 - t0 ? t1 - t0 : 1);
	}
	dc->loops_per_ns = median_inplace(rounds, DELAY_ROUNDS);
	return dc->loops_per_ns > 0 ? 0 : -1;
}

#define RECAL_ROUNDS 15
#define RECAL_ROUND_NS 20000.0

void delay_recalibrate(struct delay_calib *dc, const struct tsc_info *ti)
{
	volatile uint64_t n_volatile = round_u64(dc->loops_per_ns * RECAL_ROUND_NS);
	double best = 0;

	if (!(ti->hz > 0) || n_volatile < 64)
		return;
	for (int r = 0; r < RECAL_ROUNDS; r++) {
		uint64_t t0 = tsc_now();
		uint64_t n = n_volatile;
		delay_loops(n);
		uint64_t t1 = tsc_now();
		double rate = t1 > t0 ? (double)n / tsc_cycles_to_ns(ti, t1 - t0) : 0;
		if (rate > best)
			best = rate;
	}
	if (best > 0)
		dc->loops_per_ns = best;
}

uint64_t delay_ns_to_loops(const struct delay_calib *dc, double ns)
{
	return round_u64(ns * dc->loops_per_ns);
}

/*
 * The probe's work is delay_loops() itself, so it sees exactly the slow-downs
 * that stretch the critical sections. The count is read through a volatile
 * after the first clock read and delay_loops() ends in a volatile store, so
 * the loop stays between the two reads and is never folded at compile time.
 */
static volatile uint64_t probe_loops = PROBE_LOOPS;

double speed_probe_ns(void)
{
	uint64_t c0, c1;

	if (mono_ns(&c0) != 0)
		return NAN;
	delay_loops(probe_loops);
	if (mono_ns(&c1) != 0)
		return NAN;
	return (double)(c1 - c0);
}
