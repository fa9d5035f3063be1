/*
 * tsc.h - the harness's time base, calibrated busy delays and a CPU speed
 * probe.
 *
 * Time base
 *   tsc_now() returns a raw tick count: the TSC (rdtsc) on x86, the generic
 *   timer's virtual count (cntvct_el0) on aarch64, otherwise
 *   CLOCK_MONOTONIC_RAW in nanoseconds. tsc_calibrate() finds the tick rate
 *   once at start-up; the conversions below turn ticks into nanoseconds and
 *   back.
 *   No serialising fence is taken: rdtsc may be reordered by a few
 *   instructions, which is noise next to its own ~11 ns cost on the
 *   development machine, and a fence would double that cost in the hot loop.
 *   The same holds for cntvct_el0 without an isb.
 *
 * Busy delays
 *   Critical and non-critical sections are spent in delay_loops(), a loop that
 *   never reads the clock (a clock read costs more than the shortest section
 *   asked for). delay_calibrate() measures how many iterations fit in a
 *   nanosecond; delay_ns_to_loops() converts a requested length. The rate
 *   follows the core's speed, which on a VM is not constant:
 *   speed_probe_ns() exposes that.
 *
 * Speed probe
 *   speed_probe_ns() runs a fixed number of delay_loops() iterations (the same
 *   work on every call, the very loop the critical sections are made of) and
 *   returns how long it took. Since the work is fixed, a longer time means a
 *   slower core (frequency drop, steal by the host). The harness calls it
 *   before and after each repeat.
 */
#ifndef CONTEND_TSC_H
#define CONTEND_TSC_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TSC_HAVE_RDTSC 1
#define TSC_HAVE_CNTVCT 0
#elif defined(__aarch64__)
#define TSC_HAVE_RDTSC 0
#define TSC_HAVE_CNTVCT 1
#else
#include <time.h>
#define TSC_HAVE_RDTSC 0
#define TSC_HAVE_CNTVCT 0
#endif

#if TSC_HAVE_CNTVCT
/*
 * The aarch64 generic timer: the project's only inline assembly besides the
 * relax hint (locks/lock.h), kept to these two register reads. cntvct_el0
 * is the virtual count, one counter for the whole system that ticks at a
 * constant rate in every power state; Linux lets user space read it
 * (CNTKCTL_EL1.EL0VCTEN), which is how its own vDSO clock_gettime() works,
 * at a fraction of that function's cost. cntfrq_el0 holds the rate the
 * firmware programmed, in Hz.
 */
static inline uint64_t tsc_cntvct(void)
{
	uint64_t t;
	__asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(t));
	return t;
}

static inline uint64_t tsc_cntfrq(void)
{
	uint64_t f;
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}
#endif

/* Ticks of the time base; see tsc_info.hz for their rate. */
static inline uint64_t tsc_now(void)
{
#if TSC_HAVE_RDTSC
	return __rdtsc();
#elif TSC_HAVE_CNTVCT
	return tsc_cntvct();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

struct tsc_info {
	double hz;              /* ticks of tsc_now() per second */
	double nominal_hz;      /* the rate the hardware states (cntfrq_el0),
	                           0 where it states none (rdtsc, clock_gettime) */
	bool invariant;         /* the tick rate is constant and keeps running in
	                           idle states (always true for clock_gettime and
	                           the generic timer) */
	const char *source;     /* "rdtsc", "cntvct_el0" or "clock_gettime" */
	double rdtsc_cost_ns;   /* cost of one tsc_now() call, median of rounds */
	char why_not_invariant[128]; /* empty when invariant */
};

/*
 * Fill *out: invariance (cpuid leaf 0x80000007 EDX bit 8, else the
 * constant_tsc and nonstop_tsc flags of /proc/cpuinfo), the tick rate (the
 * median of several ~10 ms rounds against CLOCK_MONOTONIC_RAW; for the
 * generic timer, cntfrq_el0 when the measurement agrees with it within 1 %,
 * else the measured rate, since firmware can program cntfrq_el0 wrong) and
 * the cost of tsc_now(). Takes about 0.1 s. Returns 0, or -1 when the clock
 * cannot be read or the measured rate is implausible (out->hz is then 0).
 */
int tsc_calibrate(struct tsc_info *out);

/* Nearest whole number of ticks for ns nanoseconds (0 for ns <= 0, saturates
 * at UINT64_MAX). */
uint64_t tsc_ns_to_cycles(const struct tsc_info *ti, double ns);
double tsc_cycles_to_ns(const struct tsc_info *ti, uint64_t cycles);

struct delay_calib {
	double loops_per_ns; /* delay_loops() iterations per nanosecond */
};

/*
 * Spin for n iterations without touching shared memory or the clock.
 *
 * Each iteration is one step of x = x * x + 1, which needs the previous x: a
 * chain of multiply + add latencies (4 cycles on current x86 cores, ~1-1.5
 * ns). Why this loop rather than an empty loop with a compiler barrier:
 *   - clang deletes a loop whose body is only atomic_signal_fence(); this
 *     chain cannot be deleted because its result is stored to a volatile
 *     (once per call, to this thread's own stack).
 *   - squaring is not linear, so no compiler can merge unrolled steps
 *     (clang turns x = x * K + 1 unrolled 8 times into one step), and the
 *     cost per iteration does not depend on how a call site was unrolled.
 *   - a latency-bound chain uses one execution port a quarter of the time:
 *     measured on the development VM, a 1-cycle throughput-bound loop ran
 *     2x slower whenever the host ran something on the SMT sibling, while
 *     this chain slowed by 2-5 %.
 * The multiplier latency does not depend on the operand values on x86 or on
 * the common 64-bit ARM cores.
 */
static inline void delay_loops(uint64_t n)
{
	uint64_t x = n;

	for (uint64_t i = 0; i < n; i++)
		x = x * x + 1;
	volatile uint64_t keep = x;
	(void)keep;
}

/* Measure delay_loops() against the TSC: median loops/ns of several rounds of
 * ~0.5 ms each. Returns 0, or -1 when ti holds no usable rate. */
int delay_calibrate(struct delay_calib *dc, const struct tsc_info *ti);

/*
 * Re-measure the rate on the calling thread, quickly (~0.3 ms): rounds of
 * ~20 us starting from dc's rate, keeping the fastest, since a round can
 * only be lengthened by an interruption, never shortened. Called by each
 * worker on its own CPU before every repeat. dc is left as it was when the
 * measurement fails.
 */
void delay_recalibrate(struct delay_calib *dc, const struct tsc_info *ti);

/* Iterations of delay_loops() that last about ns nanoseconds at the
 * calibrated speed (0 for ns <= 0, saturates at UINT64_MAX). */
uint64_t delay_ns_to_loops(const struct delay_calib *dc, double ns);

/* Run the fixed speed-probe work (20000 delay_loops() iterations: ~20-30 us
 * on a 2.5-3.7 GHz core) and return its duration in ns, measured with CLOCK_MONOTONIC_RAW (so it needs no
 * calibration). Returns NAN if the clock cannot be read. */
double speed_probe_ns(void);

#endif
