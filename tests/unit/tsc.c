/*
 * tsc.c - sanity of the time base and of the busy-delay calibration.
 *
 * The development machine is a shared, noisy VM whose cores change speed for
 * seconds at a time, so every bound here is loose: the checks catch a wrong
 * unit, a broken conversion or a delay loop the compiler removed, not a few
 * per cent of drift. Timed checks take the median of several tries.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsc.h"
#include "../lib/unit.h"

#define TRIES 7

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct tsc_info ti;
	struct delay_calib dc;
	double t0 = mono_s();
	int rc = tsc_calibrate(&ti);
	double calib_s = mono_s() - t0;

	CHECK(rc == 0, "tsc_calibrate failed");
	diag("source=%s hz=%.6g invariant=%s%s%s rdtsc_cost=%.2f ns "
	       "calibration took %.3f s\n",
	       ti.source, ti.hz, ti.invariant ? "yes" : "no",
	       ti.invariant ? "" : " because: ", ti.why_not_invariant,
	       ti.rdtsc_cost_ns, calib_s);
	if (rc != 0) {
		case_done("calibration");
		return done_testing();
	}
#if TSC_HAVE_CNTVCT
	/* The generic timer: its own rate range, and the time base is the
	 * register itself, not clock_gettime. */
	CHECK(strcmp(ti.source, "cntvct_el0") == 0, "aarch64 time base is '%s'", ti.source);
	CHECK(ti.hz > 1e6 && ti.hz < 2e9, "hz %.6g outside 1 MHz..2 GHz", ti.hz);
	CHECK(ti.nominal_hz > 0, "cntfrq_el0 reads %.6g", ti.nominal_hz);
	diag("cntfrq_el0=%.6g Hz, %s", ti.nominal_hz,
	     ti.hz == ti.nominal_hz ? "used as the rate" : "not the measured rate");
#else
	CHECK(ti.hz > 1e8 && ti.hz < 1e10, "hz %.6g outside 100 MHz..10 GHz", ti.hz);
	CHECK(ti.nominal_hz == 0, "nominal_hz %.6g without a rate register", ti.nominal_hz);
#endif
	CHECK(ti.rdtsc_cost_ns > 0 && ti.rdtsc_cost_ns < 10000,
	      "rdtsc cost %.3g ns implausible", ti.rdtsc_cost_ns);
	CHECK(ti.invariant == (ti.why_not_invariant[0] == '\0'),
	      "why_not_invariant must be set exactly when not invariant");
	/* ~70 ms of work; seconds would mean a sleep or a loop gone wrong */
	CHECK(calib_s < 2.0, "calibration took %.3f s", calib_s);
	case_done("calibration: %s at %.6g Hz", ti.source, ti.hz);

	/* A 20 ms sleep measured in ticks converts back to about 20 ms. */
	double slept[TRIES];
	const struct timespec ms20 = { 0, 20000000 };
	for (int i = 0; i < TRIES; i++) {
		uint64_t a = tsc_now();
		nanosleep(&ms20, NULL);
		slept[i] = tsc_cycles_to_ns(&ti, tsc_now() - a) / 1e6;
	}
	double slept_ms = median(slept, TRIES);
	CHECK(slept_ms >= 15 && slept_ms <= 60, "20 ms sleep measured as %.2f ms", slept_ms);
	case_done("20 ms nanosleep measured as %.3f ms (median of %d)", slept_ms, TRIES);

	/* Conversions: round trips, zero, negative and saturation. */
	uint64_t c = tsc_ns_to_cycles(&ti, 1e6);
	CHECK(fabs(tsc_cycles_to_ns(&ti, c) - 1e6) <= 1e9 / ti.hz,
	      "1 ms -> %llu cycles -> %.3f ns", (unsigned long long)c,
	      tsc_cycles_to_ns(&ti, c));
	CHECK(tsc_ns_to_cycles(&ti, tsc_cycles_to_ns(&ti, 123456789)) == 123456789,
	      "cycles -> ns -> cycles round trip");
	CHECK(tsc_ns_to_cycles(&ti, 0) == 0 && tsc_ns_to_cycles(&ti, -5) == 0,
	      "non-positive ns must give 0 cycles");
	CHECK(tsc_ns_to_cycles(&ti, 1e30) == UINT64_MAX, "huge ns must saturate");
	case_done("conversions: 1 ms = %llu cycles, round trips exact to a cycle",
	       (unsigned long long)c);

	/* Busy delay: 100 us worth of loops takes about 100 us. Each try
	 * calibrates afresh just before timing, so a change of core speed
	 * between a calibration and its use (seconds-long on the VM) does not
	 * fail the test; the spread of the calibrations is printed. */
	double took[TRIES], rate[TRIES];
	uint64_t loops = 0;
	for (int i = 0; i < TRIES; i++) {
		CHECK(delay_calibrate(&dc, &ti) == 0, "delay_calibrate failed");
		CHECK(dc.loops_per_ns > 0, "loops_per_ns %g", dc.loops_per_ns);
		rate[i] = dc.loops_per_ns;
		loops = delay_ns_to_loops(&dc, 100000);
		CHECK(loops > 0, "100 us -> 0 loops");
		uint64_t a = tsc_now();
		delay_loops(loops);
		took[i] = tsc_cycles_to_ns(&ti, tsc_now() - a) / 1e3;
	}
	double took_us = median(took, TRIES);
	CHECK(took_us >= 50 && took_us <= 400, "100 us delay took %.1f us", took_us);
	CHECK(delay_ns_to_loops(&dc, 0) == 0 && delay_ns_to_loops(&dc, -1) == 0,
	      "non-positive delay must be 0 loops");
	double rate_med = median(rate, TRIES);
	case_done("delay: %.4f loops/ns (median; calibrations ranged %.4f..%.4f), "
	       "100 us of loops took %.1f us (median of %d)",
		  rate_med, rate[0], rate[TRIES - 1], took_us, TRIES);

	/* Speed probe: fixed work, so positive and of the documented size
	 * (generous bounds: 1 us .. 10 ms covers a slowed or preempted core). */
	double probe[TRIES];
	for (int i = 0; i < TRIES; i++)
		probe[i] = speed_probe_ns();
	double probe_ns = median(probe, TRIES);
	CHECK(probe_ns > 1000 && probe_ns < 1e7, "speed probe %.0f ns", probe_ns);
	case_done("speed probe: %.1f us (median of %d; min %.1f, max %.1f)",
	       probe_ns / 1e3, TRIES, probe[0] / 1e3, probe[TRIES - 1] / 1e3);

	return done_testing();
}
