/*
 * lock.h - the one interface every lock algorithm of contend implements.
 *
 * A lock is a descriptor (struct lock_desc) holding its name, properties,
 * sizes and operations. Each algorithm lives in one file locks/<algo>.c which
 * implements its operations as static inline functions and ends with
 * LOCK_DEFINE() (locks/lock_define.h, included only by the lock files: it
 * brings the measured loop); locks/registry.def lists every descriptor once. The tests,
 * `contend list`, the harness and the preload library find locks only through
 * the registry (lock_registry(), lock_find()).
 *
 * Calling convention
 *   - The caller allocates the lock (desc->lock_size bytes, aligned to
 *     LOCK_CACHELINE) and calls init() once before any other operation.
 *   - Locks with LOCK_NEEDS_NODE take a caller-owned per-thread node of
 *     desc->node_size bytes (aligned to LOCK_CACHELINE, zeroed, then passed to
 *     thread_init() by the thread that will use it). A thread passes the same
 *     node to the lock/trylock and to the matching unlock; it needs one node
 *     per lock it may hold at the same time. Nodes are never kept in a global
 *     per-thread table. A node must stay allocated until every thread is done
 *     with the lock, not only its owner: other threads may still read it
 *     after its owner's unlock() returned (a CLH node passes to the
 *     successor; futex-spin's spin queue reads a predecessor's node while
 *     leaving the queue).
 *   - Other locks ignore the node argument (NULL is fine).
 *   - Counting locks (LOCK_COUNTING) accept lock_params.permits > 1; every
 *     other lock requires permits == 1.
 *
 * Per-thread statistics: the locks count their own futex calls and spin
 * iterations into lock_thread_stats (thread-local). Spin loops count into a
 * local variable and add it once, so the counter costs nothing per iteration.
 */
#ifndef CONTEND_LOCK_H
#define CONTEND_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* The cache-line size chosen at configure time (--with-cache-line, default
 * 64); meta.arch in the results sets it beside the size hwloc reports. */
#ifdef CONTEND_CACHE_LINE
#define LOCK_CACHELINE CONTEND_CACHE_LINE
#else
#define LOCK_CACHELINE 64
#endif
/* Adjacent-line prefetchers pull cache lines in pairs: keep hot per-thread
 * data apart by two lines. */
#define LOCK_PAD (2 * LOCK_CACHELINE)

enum lock_family {
	LOCK_FAMILY_SPIN,     /* busy-waits on a shared word */
	LOCK_FAMILY_QUEUE,    /* busy-waits on a per-thread node */
	LOCK_FAMILY_SLEEP,    /* blocks in the kernel (futex) */
	LOCK_FAMILY_HYBRID,   /* spins for a while, then sleeps */
	LOCK_FAMILY_BASELINE, /* a library's lock run through our interface */
};

/* Property bits of lock_desc.props */
#define LOCK_FAIR        0x1u /* grants in FIFO order of arrival */
#define LOCK_MAY_SLEEP   0x2u /* a waiter may block in the kernel */
#define LOCK_NEEDS_NODE  0x4u /* lock/unlock take a per-thread node */
#define LOCK_COUNTING    0x8u /* admits up to lock_params.permits holders */
#define LOCK_PEER        0x10u /* third-party implementation (e.g. ck) */
/* trylock can, in a rare race, wait for another thread's critical section
 * instead of failing: such a lock cannot stand in for a program's mutex
 * (`contend profile --lock` refuses it), since trylock back-off would then
 * deadlock. tests/locks/trylock_prompt checks every lock without this bit. */
#define LOCK_TRYLOCK_MAY_BLOCK 0x20u

struct lock_params {
	unsigned permits;     /* holders admitted at once; 1 = mutual exclusion */
	unsigned spin_budget; /* hybrid locks: spin iterations before sleeping;
	                         0 = the lock's default */
};

/*
 * The counters the locks keep themselves, for the thread that ran the
 * operation: each named once, here. X(name, point_since, thread_since, what)
 * - point_since / thread_since: the results schema_version from which the
 * counter is in every point's lock_stats (per acquisition) and in every
 * per_thread entry (a total). The harness sums the list over a window, the
 * results writer emits it and the reader validates it; a new counter is one
 * line here plus the lock that counts it (and its row in SCHEMA.md, which
 * tests/reliability/layering.sh checks).
 */
#define LOCK_STATS_LIST(X)                                                       \
	X(futex_waits, 1, 1, "FUTEX_WAIT system calls")                           \
	X(futex_sleeps, 2, 2, "FUTEX_WAITs that slept: not EAGAIN (the word "     \
	  "had already changed and the call returned at once)")                  \
	X(futex_wakes, 1, 1, "FUTEX_WAKE system calls")                           \
	X(spins, 1, 1, "busy-wait iterations (one relax hint each)")              \
	X(spin_fails, 1, 2, "hybrid locks: the spin budget ran out, went to sleep")

enum lock_stat_index {
#define LOCK_STAT_INDEX(name, point_since, thread_since, what) LOCK_STAT_##name,
	LOCK_STATS_LIST(LOCK_STAT_INDEX)
#undef LOCK_STAT_INDEX
	LOCK_STAT_COUNT
};

/* The counters by name (lock_thread_stats.spins++) for the locks, and as an
 * array (n[LOCK_STAT_spins]) for the code that handles them all alike. */
struct lock_stats {
	union {
		struct {
#define LOCK_STAT_FIELD(name, point_since, thread_since, what) uint64_t name;
			LOCK_STATS_LIST(LOCK_STAT_FIELD)
#undef LOCK_STAT_FIELD
		};
		uint64_t n[LOCK_STAT_COUNT];
	};
};

extern _Thread_local struct lock_stats lock_thread_stats;
/* "futex_waits", ...: the counters' names, in LOCK_STATS_LIST order. */
extern const char *const lock_stat_name[LOCK_STAT_COUNT];

struct hot_thread;

struct lock_desc {
	const char *name;        /* CLI name, e.g. "mcs" */
	const char *description; /* one line */
	const char *origin;      /* where the idea comes from */
	enum lock_family family;
	unsigned props;          /* LOCK_* bits above */
	size_t lock_size;        /* bytes to allocate for the lock */
	size_t node_size;        /* bytes per per-thread node; 0 if none */

	int (*init)(void *lock, const struct lock_params *params);
	void (*destroy)(void *lock);
	void (*thread_init)(void *node);            /* optional */
	void (*lock)(void *lock, void *node);
	bool (*trylock)(void *lock, void *node);
	void (*unlock)(void *lock, void *node);
	/* optional: print the lock word(s) for a stall report */
	int (*describe)(const void *lock, char *buf, size_t len);

	/* Generated by LOCK_DEFINE with lock/unlock inlined (harness/hotloop.h):
	 * the measured loop, and a bare lock+unlock loop for reference. NULL
	 * when built with LOCK_NO_HOT_LOOP (the preload library). */
	void (*hot_loop)(struct hot_thread *t);
	void (*bare_loop)(void *lock, void *node, uint64_t n);
};

/* The registry, in a stable order (registry.def). */
size_t lock_count(void);
const struct lock_desc *lock_at(size_t i);
/* NULL when no lock has that name. */
const struct lock_desc *lock_find(const char *name);
const char *lock_family_name(enum lock_family f);

/* A library call inside a lock operation failed (err: an errno value): the
 * baselines' wrappers cannot go on without the lock, so they print
 * "contend: <lock>: <call> failed: <strerror>" and abort. */
void lock_fail(const char *lock, const char *call, int err)
	__attribute__((noreturn, cold));

/*
 * Helpers for the implementations.
 */

/* The CPU's spin-wait hint (with the generic timer reads of harness/tsc.h,
 * the only inline assembly the project allows); LOCK_CPU_RELAX_NAME names
 * it for the results' meta.arch.relax. */
#if defined(__x86_64__) || defined(__i386__)
#define LOCK_CPU_RELAX_NAME "pause"
#elif defined(__aarch64__)
#define LOCK_CPU_RELAX_NAME "yield"
#else
#define LOCK_CPU_RELAX_NAME "none (compiler barrier)"
#endif
static inline void lock_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

#endif
