/*
 * hotloop.h - the measured loop, instantiated once per lock with the lock's
 * own lock()/unlock() inlined (LOCK_DEFINE in locks/lock.h expands
 * HOT_LOOP_DEFINE), so an acquisition costs what the lock costs and not an
 * indirect call pair on top.
 *
 * One iteration:
 *   pick a lock (uniform over nlocks, skipped when there is one)
 *   [sampled] t0 = time stamp
 *   lock()
 *   [sampled] t1 = time stamp                 acquire latency = t1 - t0
 *   critical section: exclusion check, write cs_lines shared lines, delay
 *   unlock()
 *   [sampled] t2 = time stamp                 hold time = t2 - t1
 *   non-critical section: delay
 *   check the phase word (one relaxed load of a line nobody writes while
 *   the window runs)
 *
 * Phases, set by the controlling thread: WARMUP -> MEASURE -> STOP. Each
 * worker snapshots its counters when it first sees MEASURE and again when
 * it sees STOP; only the difference is reported. The snapshot (which makes
 * system calls for getrusage and perf counters) is outside the loop proper.
 *
 * The exclusion check: with permits == 1 the holder finds owner == 0, sets
 * it to its id, and finds its id still there before clearing it; the plain
 * counter it increments must at the end equal the acquisitions of all
 * threads. With permits K > 1 an atomic occupancy count must stay <= K.
 * Plain (non-atomic) shared data on purpose: only the lock orders it, and
 * ThreadSanitizer sees a race on it when the lock does not.
 */
#ifndef CONTEND_HOTLOOP_H
#define CONTEND_HOTLOOP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "lock.h"
#include "tsc.h"

enum hot_phase { HOT_WARMUP = 0, HOT_MEASURE = 1, HOT_STOP = 2 };

/* The data a critical section works on, one per lock; cache-line aligned,
 * extra_lines further lines follow it in the same allocation. */
struct hot_cs_data {
	volatile uint64_t counter;     /* plain increments by the holder */
	volatile uint32_t owner;       /* id of the holder, 0 = nobody */
	volatile uint32_t last_holder; /* id of the last thread that released */
	_Atomic uint32_t occupancy;    /* counting locks: holders inside now */
} __attribute__((aligned(LOCK_CACHELINE)));

struct hot_line {
	volatile uint64_t word;
} __attribute__((aligned(LOCK_CACHELINE)));

/* Exponential lengths come from a per-thread table of quantiles, so the loop
 * pays a table load instead of a logarithm. */
#define HOT_EXP_TABLE 256

/* What a worker counts; snapshotted at the phase changes. */
struct hot_counts {
	uint64_t acquisitions;
	uint64_t violations;
	uint64_t same_holder;   /* took the lock it released last */
	uint64_t timed;         /* sampled acquisitions */
};

struct hot_thread {
	/* set up by the harness */
	void *const *locks;           /* nlocks lock objects */
	void *const *nodes;           /* this thread's node for each lock, or NULLs */
	struct hot_cs_data *const *cs;/* the data each lock protects */
	unsigned nlocks;
	unsigned permits;
	unsigned extra_lines;         /* shared lines written beyond cs[i] */
	uint32_t id;                  /* 1-based: 0 means "nobody" in owner */
	uint64_t cs_loops, ncs_loops; /* fixed lengths in delay_loops() units */
	const uint64_t *cs_table;     /* exponential lengths, or NULL = fixed */
	const uint64_t *ncs_table;
	uint64_t sample_mask;         /* time acquisition i when (i & mask) == 0 */
	uint64_t rng;                 /* xorshift state, never 0 */
	const _Atomic int *phase;
	struct hist *acquire_hist;    /* TSC ticks */
	struct hist *hold_hist;
	/* maintained by the loop */
	struct hot_counts now;
	/* the harness's hook at a phase change, outside the loop proper */
	void (*on_phase)(struct hot_thread *t, int phase);
};

static inline uint64_t hot_rand(uint64_t *s)
{
	/* xorshift64*: statistically fine for picking a lock or a table slot */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

static inline __attribute__((always_inline)) void
hot_critical_section(struct hot_thread *t, struct hot_cs_data *d)
{
	if (t->permits == 1) {
		if (d->owner != 0)
			t->now.violations++;
		d->owner = t->id;
		if (d->last_holder == t->id)
			t->now.same_holder++;
		d->counter++;
	} else {
		uint32_t occ = atomic_fetch_add_explicit(&d->occupancy, 1,
							 memory_order_relaxed);
		if (occ >= t->permits)
			t->now.violations++;
	}
	if (t->extra_lines) {
		struct hot_line *line = (struct hot_line *)(d + 1);
		for (unsigned i = 0; i < t->extra_lines; i++)
			line[i].word++;
	}
	if (t->cs_table)
		delay_loops(t->cs_table[hot_rand(&t->rng) & (HOT_EXP_TABLE - 1)]);
	else if (t->cs_loops)
		delay_loops(t->cs_loops);
	if (t->permits == 1) {
		if (d->owner != t->id)
			t->now.violations++;
		d->last_holder = t->id;
		d->owner = 0;
	} else {
		atomic_fetch_sub_explicit(&d->occupancy, 1, memory_order_relaxed);
	}
}

static inline __attribute__((always_inline)) void
hot_loop_run(struct hot_thread *t, void (*lock_fn)(void *, void *),
	     void (*unlock_fn)(void *, void *))
{
	/* Relaxed: the phase only tells the worker when to snapshot/stop;
	 * the snapshots themselves are ordered by the controller's join. */
	int phase = atomic_load_explicit(t->phase, memory_order_relaxed);
	int seen = HOT_WARMUP;

	while (phase != HOT_STOP) {
		if (phase != seen) {
			t->on_phase(t, phase);
			seen = phase;
		}
		unsigned i = t->nlocks == 1 ? 0 : (unsigned)(hot_rand(&t->rng) % t->nlocks);
		void *lock = t->locks[i];
		void *node = t->nodes[i];

		if ((t->now.acquisitions & t->sample_mask) == 0) {
			uint64_t t0 = tsc_now();
			lock_fn(lock, node);
			uint64_t t1 = tsc_now();
			hot_critical_section(t, t->cs[i]);
			unlock_fn(lock, node);
			uint64_t t2 = tsc_now();
			hist_record(t->acquire_hist, t1 - t0);
			hist_record(t->hold_hist, t2 - t1);
			t->now.timed++;
		} else {
			lock_fn(lock, node);
			hot_critical_section(t, t->cs[i]);
			unlock_fn(lock, node);
		}
		t->now.acquisitions++;

		if (t->ncs_table)
			delay_loops(t->ncs_table[hot_rand(&t->rng) & (HOT_EXP_TABLE - 1)]);
		else if (t->ncs_loops)
			delay_loops(t->ncs_loops);
		phase = atomic_load_explicit(t->phase, memory_order_relaxed);
	}
	t->on_phase(t, HOT_STOP);
}

/* A bare loop of n lock+unlock pairs, inlined the same way: the reference
 * the harness compares its own uncontended figure against. */
static inline __attribute__((always_inline)) void
hot_bare_run(void *lock, void *node, uint64_t n, void (*lock_fn)(void *, void *),
	     void (*unlock_fn)(void *, void *))
{
	for (uint64_t i = 0; i < n; i++) {
		lock_fn(lock, node);
		unlock_fn(lock, node);
	}
}

/* Expanded by LOCK_DEFINE for each lock. */
#define HOT_LOOP_DEFINE(sym)                                                   \
	static void sym##_hot_loop(struct hot_thread *t)                       \
	{                                                                      \
		hot_loop_run(t, sym##_lock, sym##_unlock);                     \
	}                                                                      \
	static void sym##_bare_loop(void *lock, void *node, uint64_t n)        \
	{                                                                      \
		hot_bare_run(lock, node, n, sym##_lock, sym##_unlock);         \
	}

#endif
