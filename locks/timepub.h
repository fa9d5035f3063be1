/*
 * timepub.h - what the time-published queue locks (mcs-tp, clh-tp) share:
 * the clock their waiters publish as a heartbeat and the thresholds by which
 * a heartbeat counts as stale. After He, Scherer & Scott, "Preemption
 * Adaptivity in Time-Published Queue-Based Spin Locks", HiPC 2005.
 *
 * A running waiter refreshes its heartbeat every TP_REFRESH_SPINS spin
 * iterations (well under a microsecond); one preempted or yielding stops.
 * A heartbeat older than TP_STALE_TICKS says "probably not running": the
 * lock is not handed to it (it is skipped and queues again). TP_YIELD_TICKS
 * without any handoff says "the holder is probably not running": a waiter
 * then gives its CPU away with sched_yield() between spins. After
 * TP_MAX_SKIPS skips within one acquisition a waiter publishes
 * TP_NEVER_STALE and is never skipped again: that bounds the number of
 * skips (starvation freedom), not the number of acquisitions that pass a
 * skipped waiter while it is off the CPU.
 *
 * Ticks: the TSC on x86 (synchronised across CPUs on every CPU with an
 * invariant TSC, which the heartbeat comparison needs), nanoseconds of
 * CLOCK_MONOTONIC elsewhere. The thresholds are tick counts: 2^16 ticks is
 * about 20 us at 3 GHz (65 us on the nanosecond clock), far above a running
 * waiter's refresh period and far below a scheduler time slice (ms).
 */
#ifndef CONTEND_TIMEPUB_H
#define CONTEND_TIMEPUB_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#else
#include <time.h>
#endif

#define TP_REFRESH_SPINS 16u
#define TP_STALE_TICKS   (UINT64_C(1) << 16)
#define TP_YIELD_TICKS   (UINT64_C(1) << 18)
#define TP_MAX_SKIPS     8u
#define TP_NEVER_STALE   UINT64_MAX

static inline uint64_t tp_now(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __rdtsc();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

/* A heartbeat published at hb looks like a waiter that is not running.
 * Signed difference: a heartbeat a little ahead of now (another CPU's
 * clock read later than ours) is fresh, not 2^64 ticks old. */
static inline bool tp_stale(uint64_t hb, uint64_t now)
{
	return hb != TP_NEVER_STALE && (int64_t)(now - hb) > (int64_t)TP_STALE_TICKS;
}

/*
 * A waiter's periodic step, every TP_REFRESH_SPINS spins: publish a fresh
 * heartbeat (unless it was skipped TP_MAX_SKIPS times and published
 * TP_NEVER_STALE), and give the CPU away when the lock has made no progress
 * for TP_YIELD_TICKS since the later of *since and the lock's last handoff.
 * Relaxed: the heartbeat is a hint read by a remover, whose decision is
 * ordered by the status CAS; progress is a hint for yielding only.
 */
static inline void tp_waiter_tick(_Atomic uint64_t *heartbeat, _Atomic uint64_t *progress,
				  unsigned skips, uint64_t *since)
{
	uint64_t now = tp_now();
	if (skips < TP_MAX_SKIPS)
		atomic_store_explicit(heartbeat, now, memory_order_relaxed);
	uint64_t last = atomic_load_explicit(progress, memory_order_relaxed);
	if ((int64_t)(last - *since) > 0)
		*since = last;
	if ((int64_t)(now - *since) > (int64_t)TP_YIELD_TICKS)
		sched_yield();
}

#endif
