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
 * The exclusion check (permits == 1) costs one load and two stores of one
 * word the critical section owns anyway: word = entries << 16 | id, where
 * id is the thread that released last, or 0 while someone holds the lock.
 * On entry the holder must find an id (not 0), notes whether it is its own
 * (the lock batched: same thread again), and writes entries + 1 with id 0;
 * on exit it writes entries + 1 with its id. An overlap shows either as an
 * id of 0 on entry or as a lost update: the final entries must equal the
 * acquisitions of all threads. (Re-reading the word on exit would catch an
 * overlap one step sooner, but that load waits for the entry store to be
 * forwarded and adds a third to an uncontended acquisition.)
 * With permits K > 1 an atomic occupancy count must stay <= K instead.
 * Plain (non-atomic) shared data on purpose: only the lock orders it, and
 * ThreadSanitizer sees a race on it when the lock does not.
 *
 * Everything the loop reads is copied into locals first, and its counters
 * live in locals until a phase change: the lock's atomics are compiler
 * barriers for memory, so fields read through a pointer would be reloaded
 * on every iteration.
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
#define HOT_ID_BITS 16
#define HOT_ID_MASK ((UINT64_C(1) << HOT_ID_BITS) - 1)
#define HOT_ID_NONE HOT_ID_MASK /* "released by nobody yet": the initial id */
#define HOT_MAX_THREADS (HOT_ID_NONE - 1)

struct hot_cs_data {
	volatile uint64_t word;        /* entries << 16 | last releaser (0: held) */
	_Atomic uint32_t occupancy;    /* counting locks: holders inside now */
} __attribute__((aligned(LOCK_CACHELINE)));

/* Entries recorded in a hot_cs_data word. */
static inline uint64_t hot_cs_entries(const struct hot_cs_data *d)
{
	return d->word >> HOT_ID_BITS;
}

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

/* Out of line: the rare sampled path must not take registers from the loop. */
static __attribute__((noinline, cold)) void
hot_record_sample(struct hist *acquire_hist, struct hist *hold_hist, uint64_t t0,
		  uint64_t t1, uint64_t t2)
{
	hist_record(acquire_hist, t1 - t0);
	hist_record(hold_hist, t2 - t1);
}

/* The loop body; `general` is a compile-time constant at each call site, so
 * the common case (one lock, mutual exclusion, no extra lines, fixed
 * lengths) is compiled without the branches and registers the rest needs. */
static inline __attribute__((always_inline)) void
hot_loop_body(struct hot_thread *t, void (*lock_fn)(void *, void *),
	      void (*unlock_fn)(void *, void *), const bool general)
{
	void *const *const locks = t->locks;
	void *const *const nodes = t->nodes;
	struct hot_cs_data *const *const cs = t->cs;
	const unsigned nlocks = t->nlocks, permits = t->permits, extra = t->extra_lines;
	const uint64_t id = t->id, cs_loops = t->cs_loops, ncs_loops = t->ncs_loops;
	const uint64_t *const cs_table = t->cs_table, *const ncs_table = t->ncs_table;
	const _Atomic int *const phase_word = t->phase;
	struct hist *const acquire_hist = t->acquire_hist, *const hold_hist = t->hold_hist;
	uint64_t mask = t->sample_mask, rng = t->rng;
	uint64_t acquisitions = t->now.acquisitions, same = t->now.same_holder;
	uint64_t timed = t->now.timed;
	/* Violations are counted in memory: they are rare (zero for a working
	 * lock), and a register for them would push a hot value onto the
	 * stack. */
	/* Relaxed: the phase only tells the worker when to snapshot and stop;
	 * the snapshots are ordered by the controller's join. */
	int phase = atomic_load_explicit(phase_word, memory_order_relaxed);
	int seen = HOT_WARMUP;
	/* With one lock, its pointers stay in registers: the array is not
	 * re-read after every atomic. */
	void *const lock0 = locks[0], *const node0 = nodes[0];
	struct hot_cs_data *const d0 = cs[0];

	while (phase != HOT_STOP) {
		if (phase != seen) {
			t->now.acquisitions = acquisitions;
			t->now.same_holder = same;
			t->now.timed = timed;
			t->on_phase(t, phase);
			mask = t->sample_mask;
			seen = phase;
		}
		unsigned i = !general || nlocks == 1 ? 0 : (unsigned)(hot_rand(&rng) % nlocks);
		void *const lock = i == 0 ? lock0 : locks[i];
		void *const node = i == 0 ? node0 : nodes[i];
		struct hot_cs_data *const d = i == 0 ? d0 : cs[i];
		const bool sampled = __builtin_expect((acquisitions & mask) == 0, 0);
		uint64_t t0 = 0, t1 = 0;

		if (sampled)
			t0 = tsc_now();
		lock_fn(lock, node);
		if (sampled)
			t1 = tsc_now();

		/* the critical section */
		uint64_t entered = 0;
		if (!general || permits == 1) {
			uint64_t w = d->word;
			if (__builtin_expect((w & HOT_ID_MASK) == 0, 0))
				t->now.violations++;
			same += (w & HOT_ID_MASK) == id;
			entered = (w | HOT_ID_MASK) + 1;
			d->word = entered;
		} else {
			uint32_t occ = atomic_fetch_add_explicit(&d->occupancy, 1,
								 memory_order_relaxed);
			if (occ >= permits)
				t->now.violations++;
		}
		if (general && extra) {
			struct hot_line *line = (struct hot_line *)(d + 1);
			for (unsigned k = 0; k < extra; k++)
				line[k].word++;
		}
		if (general && cs_table)
			delay_loops(cs_table[hot_rand(&rng) & (HOT_EXP_TABLE - 1)]);
		else if (cs_loops)
			delay_loops(cs_loops);
		if (!general || permits == 1) {
			d->word = entered | id;
		} else {
			atomic_fetch_sub_explicit(&d->occupancy, 1, memory_order_relaxed);
		}

		unlock_fn(lock, node);
		if (sampled) {
			hot_record_sample(acquire_hist, hold_hist, t0, t1, tsc_now());
			timed++;
		}
		acquisitions++;

		if (general && ncs_table)
			delay_loops(ncs_table[hot_rand(&rng) & (HOT_EXP_TABLE - 1)]);
		else if (ncs_loops)
			delay_loops(ncs_loops);
		phase = atomic_load_explicit(phase_word, memory_order_relaxed);
	}
	t->now.acquisitions = acquisitions;
	t->now.same_holder = same;
	t->now.timed = timed;
	t->rng = rng;
	t->on_phase(t, HOT_STOP);
}

static inline __attribute__((always_inline)) void
hot_loop_run(struct hot_thread *t, void (*lock_fn)(void *, void *),
	     void (*unlock_fn)(void *, void *))
{
	if (t->nlocks == 1 && t->permits == 1 && t->extra_lines == 0 &&
	    t->cs_table == NULL && t->ncs_table == NULL)
		hot_loop_body(t, lock_fn, unlock_fn, false);
	else
		hot_loop_body(t, lock_fn, unlock_fn, true);
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
