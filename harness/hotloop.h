/*
 * hotloop.h - the measured loop, instantiated once per lock with the lock's
 * own lock()/unlock() inlined (LOCK_DEFINE in locks/lock.h expands
 * HOT_LOOP_DEFINE), so an acquisition costs what the lock costs and not an
 * indirect call pair on top.
 *
 * One iteration:
 *   pick a lock (uniform over nlocks, skipped when there is one)
 *   publish "waiting"                          (own line, for the controller)
 *   [sampled] t0 = time stamp
 *   lock()
 *   [sampled] t1 = time stamp                 acquire latency = t1 - t0
 *   read the phase word: the phase this acquisition counts in
 *   publish "holding"
 *   critical section: exclusion check, write cs_lines shared lines,
 *   [sampled] td = time stamp
 *   delay
 *   [sampled] tc = time stamp                 section's delay = tc - td
 *   unlock()
 *   [sampled] t2 = time stamp                 hold time = t2 - t1
 *   non-critical section: delay                [sampled, when there is
 *                                              one] timed to its end
 *   [every `stride`-th] gap stamp              longest gap between stamps
 *   check the phase word for STOP (a relaxed load of a line nobody writes
 *   while the window runs)
 *
 * A timed interval holds the cost of the reads made inside it (the hold
 * t1..t2 three of them: t1's own tail, td and tc); each worker measures
 * those costs before the window (hot_timer_floor) and the samples are
 * recorded with them taken off, so a figure is the lock's and the
 * section's, not the timer's.
 *
 * Stalls: every thread stamps the time once every `stride` acquisitions
 * (after unlock(), off the lock's serial path), the stride adapted so that
 * stamps come about HOT_GAP_TARGET_NS apart: the longest interval between
 * two stamps, from the window's start to the first and from the last to
 * the deadline, less the sections the thread asked for in it (thinking is
 * not waiting), bounds from above the longest time the thread waited,
 * whatever the sampling, and exceeds it by at most the other acquisitions'
 * time of that stride (about one target interval).
 *
 * Phases, set by the controlling thread: WARMUP -> MEASURE -> STOP. A
 * worker's counts change phase at its first acquisition made in the new
 * phase (read inside the critical section), so its window figures cover the
 * acquisitions made while the window ran, and nothing else: none when it
 * made none. Its snapshot (histogram reset, lock counters) is taken after
 * that acquisition's unlock(), outside the critical section. Operating-system
 * counters (context switches, perf events, CPU time) are read by the
 * controller at the window's edges, so they cover the window even for a
 * thread that never reaches an iteration boundary inside it.
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

/* What the timer's own reads add to each timed interval, in ticks: the
 * median of that pattern of reads made back to back, with nothing between
 * them (run_worker.c measures it per worker and repeat). */
struct hot_timer_floor {
	uint64_t wait;          /* t0..t1: one read */
	uint64_t hold;          /* t1..t2 with td and tc inside: three reads */
	uint64_t section;       /* td..tc: one read */
	uint64_t ncs;           /* t2..the NCS's end: one read */
	uint64_t cs_overlap;    /* what the reads around a delay-loop section
	                           hide of it (section.h): added back to the
	                           section and the hold */
	uint64_t ncs_overlap;   /* the same for the NCS */
};

/* Gap stamps (see the top of this file): one every `stride` acquisitions.
 * Stamps come about this far apart; a stall shorter than it is not looked
 * for, and a longer one is seen to within about it. */
#define HOT_GAP_TARGET_NS 20000.0
#define HOT_GAP_STRIDE_MAX 4096u
struct hot_gaps {
	uint64_t left;          /* acquisitions to the next stamp */
	uint64_t stride;        /* power of two, 1 .. HOT_GAP_STRIDE_MAX */
	uint64_t target;        /* HOT_GAP_TARGET_NS in ticks */
	uint64_t prev;          /* the last stamp */
	uint64_t first;         /* the window's first stamp (its first
	                           acquisition's unlock) */
	uint64_t sections;      /* ticks of the sections asked for per
	                           acquisition (cs + ncs): not a wait */
	uint64_t max;           /* longest interval between two stamps of the
	                           window, less its acquisitions' sections */
};

/* What a worker counts; snapshotted at the phase changes. */
struct hot_counts {
	uint64_t acquisitions;
	uint64_t violations;
	uint64_t same_holder;   /* took the lock it released last */
	uint64_t timed;         /* sampled acquisitions */
};

/* What the sampled iterations measured in the window (reset when the
 * worker's first acquisition of the window is seen, not differenced: a
 * maximum cannot be). Sums are in TSC ticks. */
struct hot_sampled {
	uint64_t max_wait_ticks; /* longest timed acquire latency */
	uint64_t tsc_backwards;  /* time stamp differences that went negative */
};

/*
 * What a worker is doing, published for the controller in a line of the
 * worker's own (a relaxed store before lock() and one after it; nobody else
 * writes the line): attempt << 2 | state, attempt = the worker's
 * acquisitions before this one. "Holding" stays through unlock() and the
 * non-critical section (a third store to say "idle" cost the uncontended
 * loop measurably): it means "not waiting". The controller reads the word at
 * the window's start and at the deadline: a worker found waiting for the
 * same attempt both times waited through the window.
 */
enum { HOT_WAITING = 1, HOT_HOLDING = 2 };
#define HOT_PROGRESS(acq, state) ((acq) << 2 | (uint64_t)(state))

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
	uint64_t cs_ticks, ncs_ticks; /* fixed lengths waited out on the TSC
	                                 instead (non-zero: used, loops are 0) */
	const uint64_t *cs_table;     /* exponential lengths, or NULL = fixed */
	const uint64_t *ncs_table;
	uint64_t sample_mask;         /* time acquisition i when ((i + 1) & mask)
	                                 == 0: never for UINT64_MAX (off) */
	uint64_t rng;                 /* xorshift state, never 0 */
	const _Atomic int *phase;
	_Atomic uint64_t *progress;   /* HOT_PROGRESS(), in a line of its own */
	struct hist *acquire_hist;    /* TSC ticks */
	struct hist *hold_hist;
	struct hist *cs_hist;         /* the section's delay */
	struct hist *ncs_hist;        /* non-critical section */
	struct hot_timer_floor floor; /* taken off every timed interval */
	struct hot_gaps gaps;
	/* maintained by the loop */
	struct hot_counts now;
	struct hot_sampled sampled;
	uint64_t stamps[5];           /* a timed iteration's t0, t1, td, tc, t2: in
	                                 memory, so the untimed path keeps no
	                                 register (and spills nothing) for them */
	uint64_t same_at_boundary;    /* this acquisition's same-holder bit, at a
	                                 phase change */
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

/* b - a for two time stamps; 0 and counted when b is earlier (unsynchronised
 * TSCs of two CPUs after a migration, with --pin none): an unsigned
 * difference would wrap to ~2^64 ticks. */
static inline uint64_t hot_ticks_between(uint64_t a, uint64_t b, uint64_t *backwards)
{
	if (__builtin_expect(b < a, 0)) {
		(*backwards)++;
		return 0;
	}
	return b - a;
}

/* A timed interval with the timer's own reads taken off; 0 when the
 * interval was shorter than they usually take (it cannot be negative). */
static inline uint64_t hot_less_floor(uint64_t ticks, uint64_t floor)
{
	return ticks > floor ? ticks - floor : 0;
}

/* Out of line: the rare sampled path must not take registers from the loop.
 * stamps: t0 before lock(), t1 acquired, td the section's delay begins
 * (after the exclusion check and the shared-line writes), tc it ended
 * (before the exit check and unlock()), t2 after unlock(). */
static __attribute__((noinline, cold, unused)) void
hot_record_sample(struct hot_thread *t)
{
	struct hot_sampled *s = &t->sampled;
	const uint64_t t0 = t->stamps[0], t1 = t->stamps[1], td = t->stamps[2],
		       tc = t->stamps[3], t2 = t->stamps[4];
	const struct hot_timer_floor *f = &t->floor;
	uint64_t wait = hot_less_floor(hot_ticks_between(t0, t1, &s->tsc_backwards), f->wait);
	hist_record(t->acquire_hist, wait);
	hist_record(t->hold_hist, hot_less_floor(hot_ticks_between(t1, t2, &s->tsc_backwards),
						 f->hold) + f->cs_overlap);
	hist_record(t->cs_hist, hot_less_floor(hot_ticks_between(td, tc, &s->tsc_backwards),
					       f->section) + f->cs_overlap);
	if (wait > s->max_wait_ticks)
		s->max_wait_ticks = wait;
}

static __attribute__((noinline, cold, unused)) void
hot_record_ncs(struct hot_thread *t)
{
	hist_record(t->ncs_hist,
		    hot_less_floor(hot_ticks_between(t->stamps[4], tsc_now(),
						     &t->sampled.tsc_backwards), t->floor.ncs) +
		    t->floor.ncs_overlap);
}

/* A gap stamp: the interval since the last one, and the next stride, sized
 * so that the next interval lasts about the target at this interval's
 * rate (at once, not by halves: after a rate drop of 100x, intervals of
 * the old stride would each read as a stall). */
static __attribute__((noinline, cold, unused)) void
hot_record_gap(struct hot_thread *t)
{
	struct hot_gaps *g = &t->gaps;
	uint64_t now = tsc_now();
	uint64_t d = now > g->prev ? now - g->prev : 0;
	uint64_t busy = g->stride * g->sections;
	if (d > busy && d - busy > g->max)
		g->max = d - busy;
	g->prev = now;
	uint64_t want = d > 0 ? g->stride * g->target / d : HOT_GAP_STRIDE_MAX;
	uint64_t stride = 1;
	while (stride * 2 <= want && stride < HOT_GAP_STRIDE_MAX)
		stride *= 2;
	g->stride = stride;
	g->left = stride;
}

/* Wait out n ticks of the time base: sections of a requested length
 * whatever the core's speed, and, unlike delay_loops(), never overlapped by
 * the out-of-order core with the work around them (each exit test needs
 * its own clock read). Its resolution is one read. */
static inline void hot_tsc_wait(uint64_t n)
{
	uint64_t start = tsc_now();
	while (tsc_now() - start < n)
		;
}

/* The loop body; `general` and `empty` are compile-time constants at each
 * call site, so the common case (one lock, mutual exclusion, no extra lines,
 * fixed lengths) is compiled without the branches and registers the rest
 * needs, and the commonest of all (no section at all: what an uncontended
 * acquisition costs) without even the section-length tests. Each variant is
 * its own function (HOT_LOOP_DEFINE): inlined into one, the general
 * variant's register pressure spilled the empty loop's values to the stack
 * and made it ~15% slower than the bare lock/unlock loop.
 *
 * Which phase an acquisition belongs to is read inside its critical
 * section, right after lock() returned: an acquisition made while the
 * window ran counts in the window, whatever the thread was doing when the
 * window began (thinking, waiting, descheduled). A worker that never
 * acquires during the window therefore reports nothing from it. The phase
 * change itself (snapshots, histogram reset) is handled after unlock(),
 * outside the critical section. */
static inline __attribute__((always_inline)) void
hot_loop_body(struct hot_thread *t, void (*lock_fn)(void *, void *),
	      void (*unlock_fn)(void *, void *), const bool general, const bool empty)
{
	void *const *const locks = t->locks;
	void *const *const nodes = t->nodes;
	struct hot_cs_data *const *const cs = t->cs;
	const unsigned nlocks = t->nlocks, permits = t->permits, extra = t->extra_lines;
	const uint64_t id = t->id;
	const uint64_t cs_loops = empty ? 0 : t->cs_loops, ncs_loops = empty ? 0 : t->ncs_loops;
	const uint64_t cs_ticks = empty ? 0 : t->cs_ticks, ncs_ticks = empty ? 0 : t->ncs_ticks;
	const uint64_t *const cs_table = t->cs_table, *const ncs_table = t->ncs_table;
	const _Atomic int *const phase_word = t->phase;
	_Atomic uint64_t *const progress = t->progress;
	uint64_t mask = t->sample_mask, rng = t->rng;
	uint64_t acquisitions = t->now.acquisitions, same = t->now.same_holder;
	uint64_t timed = t->now.timed;
	/* Violations are counted in memory: they are rare (zero for a working
	 * lock), and a register for them would push a hot value onto the
	 * stack. */
	int seen = HOT_WARMUP;
	/* With one lock, its pointers stay in registers: the array is not
	 * re-read after every atomic. */
	void *const lock0 = locks[0], *const node0 = nodes[0];
	struct hot_cs_data *const d0 = cs[0];

	t->same_at_boundary = 0;
	for (;;) {
		unsigned i = !general || nlocks == 1 ? 0 : (unsigned)(hot_rand(&rng) % nlocks);
		void *const lock = i == 0 ? lock0 : locks[i];
		void *const node = i == 0 ? node0 : nodes[i];
		struct hot_cs_data *const d = i == 0 ? d0 : cs[i];
		const bool sampled = __builtin_expect(((acquisitions + 1) & mask) == 0, 0);

		/* Relaxed: the controller only reads these to see who waited
		 * through the window; nothing is ordered by them. */
		atomic_store_explicit(progress, HOT_PROGRESS(acquisitions, HOT_WAITING),
				      memory_order_relaxed);
		if (sampled)
			t->stamps[0] = tsc_now();
		lock_fn(lock, node);
		if (sampled)
			t->stamps[1] = tsc_now();
		/* Relaxed: the phase only says which figures this acquisition
		 * counts in; the snapshots are ordered by the controller's
		 * join, the sampling period by a fence in on_phase(). */
		const int phase = atomic_load_explicit(phase_word, memory_order_relaxed);
		atomic_store_explicit(progress, HOT_PROGRESS(acquisitions, HOT_HOLDING),
				      memory_order_relaxed);

		/* the critical section */
		uint64_t entered = 0;
		if (!general || permits == 1) {
			uint64_t w = d->word;
			if (__builtin_expect((w & HOT_ID_MASK) == 0, 0))
				t->now.violations++;
			const uint64_t same_now = (w & HOT_ID_MASK) == id;
			same += same_now;
			if (__builtin_expect(phase != seen, 0))
				t->same_at_boundary = same_now;
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
		if (sampled)
			t->stamps[2] = tsc_now();
		if (general && cs_table)
			delay_loops(cs_table[hot_rand(&rng) & (HOT_EXP_TABLE - 1)]);
		else if (cs_ticks)
			hot_tsc_wait(cs_ticks);
		else if (cs_loops)
			delay_loops(cs_loops);
		if (sampled)
			t->stamps[3] = tsc_now();
		if (!general || permits == 1) {
			d->word = entered | id;
		} else {
			atomic_fetch_sub_explicit(&d->occupancy, 1, memory_order_relaxed);
		}

		unlock_fn(lock, node);
		if (sampled)
			t->stamps[4] = tsc_now();
		if (__builtin_expect(phase != seen, 0)) {
			/* The counts up to, not including, this acquisition. */
			t->now.acquisitions = acquisitions;
			t->now.same_holder = same - t->same_at_boundary;
			t->now.timed = timed;
			t->on_phase(t, phase);
			mask = t->sample_mask;
			seen = phase;
			if (phase == HOT_STOP) {
				/* Made after the deadline: not in the window,
				 * but in the total the final check compares. */
				t->now.acquisitions = acquisitions + 1;
				t->now.same_holder = same;
				break;
			}
		}
		if (sampled) {
			hot_record_sample(t);
			timed++;
		}
		if (__builtin_expect(--t->gaps.left == 0, 0))
			hot_record_gap(t);
		acquisitions++;

		if (general && ncs_table)
			delay_loops(ncs_table[hot_rand(&rng) & (HOT_EXP_TABLE - 1)]);
		else if (ncs_ticks)
			hot_tsc_wait(ncs_ticks);
		else if (ncs_loops)
			delay_loops(ncs_loops);
		/* No read where there is no section to time: its figure is
		 * then null, and the reads counted are the reads made. */
		if (sampled && ((general && ncs_table) || ncs_ticks || ncs_loops))
			hot_record_ncs(t);
		/* Relaxed, as above: only whether to go on. */
		if (atomic_load_explicit(phase_word, memory_order_relaxed) == HOT_STOP) {
			t->now.acquisitions = acquisitions;
			t->now.same_holder = same;
			t->now.timed = timed;
			t->on_phase(t, HOT_STOP);
			break;
		}
	}
	t->rng = rng;
}

enum hot_variant { HOT_VARIANT_GENERAL, HOT_VARIANT_FIXED, HOT_VARIANT_EMPTY };

/* Which compiled variant of the loop runs a thread's configuration. */
static inline enum hot_variant hot_loop_variant(const struct hot_thread *t)
{
	if (t->nlocks != 1 || t->permits != 1 || t->extra_lines != 0 ||
	    t->cs_table != NULL || t->ncs_table != NULL)
		return HOT_VARIANT_GENERAL;
	if (t->cs_loops == 0 && t->ncs_loops == 0 && t->cs_ticks == 0 && t->ncs_ticks == 0)
		return HOT_VARIANT_EMPTY;
	return HOT_VARIANT_FIXED;
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
	static __attribute__((noinline)) void sym##_hot_general(struct hot_thread *t) \
	{                                                                      \
		hot_loop_body(t, sym##_lock, sym##_unlock, true, false);       \
	}                                                                      \
	static __attribute__((noinline)) void sym##_hot_fixed(struct hot_thread *t) \
	{                                                                      \
		hot_loop_body(t, sym##_lock, sym##_unlock, false, false);      \
	}                                                                      \
	static __attribute__((noinline)) void sym##_hot_empty(struct hot_thread *t) \
	{                                                                      \
		hot_loop_body(t, sym##_lock, sym##_unlock, false, true);       \
	}                                                                      \
	static void sym##_hot_loop(struct hot_thread *t)                       \
	{                                                                      \
		switch (hot_loop_variant(t)) {                                 \
		case HOT_VARIANT_EMPTY: sym##_hot_empty(t); break;             \
		case HOT_VARIANT_FIXED: sym##_hot_fixed(t); break;             \
		default: sym##_hot_general(t); break;                          \
		}                                                              \
	}                                                                      \
	static void sym##_bare_loop(void *lock, void *node, uint64_t n)        \
	{                                                                      \
		hot_bare_run(lock, node, n, sym##_lock, sym##_unlock);         \
	}

#endif
