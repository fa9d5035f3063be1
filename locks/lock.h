/*
 * lock.h - the one interface every lock algorithm of contend implements.
 *
 * A lock is a descriptor (struct lock_desc) holding its name, properties,
 * sizes and operations. Each algorithm lives in one file locks/<algo>.c which
 * implements its operations as static inline functions and ends with
 * LOCK_DEFINE(); locks/registry.def lists every descriptor once. The tests,
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
 *     per-thread table.
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

#define LOCK_CACHELINE 64
/* Adjacent-line prefetchers pull cache lines in pairs: keep hot per-thread
 * data apart by two lines. */
#define LOCK_PAD 128

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

struct lock_params {
	unsigned permits;     /* holders admitted at once; 1 = mutual exclusion */
	unsigned spin_budget; /* hybrid locks: spin iterations before sleeping;
	                         0 = the lock's default */
};

/* Counted by the locks themselves for the thread that ran the operation. */
struct lock_stats {
	uint64_t futex_waits; /* FUTEX_WAIT system calls */
	uint64_t futex_wakes; /* FUTEX_WAKE system calls */
	uint64_t spins;       /* busy-wait iterations (one relax hint each) */
	uint64_t spin_fails;  /* hybrid locks: spin budget ran out, went to sleep */
};

extern _Thread_local struct lock_stats lock_thread_stats;

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
};

/* The registry, in a stable order (registry.def). */
size_t lock_count(void);
const struct lock_desc *lock_at(size_t i);
/* NULL when no lock has that name. */
const struct lock_desc *lock_find(const char *name);
const char *lock_family_name(enum lock_family f);

/*
 * Helpers for the implementations.
 */

/* The CPU's spin-wait hint: the only inline assembly the project allows. */
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

/*
 * LOCK_DEFINE(sym, ...) ends each lock file. The file provides
 *   static inline int  sym_init(void *lock, const struct lock_params *p);
 *   static inline void sym_destroy(void *lock);
 *   static inline void sym_lock(void *lock, void *node);
 *   static inline bool sym_trylock(void *lock, void *node);
 *   static inline void sym_unlock(void *lock, void *node);
 * and the macro emits the descriptor lock_desc_sym. Optional operations are
 * given as designated initialisers in the variadic tail
 * (e.g. .thread_init = sym_thread_init).
 */
#define LOCK_DEFINE(sym, cli_name, desc, orig, fam, properties, lsize, nsize, ...) \
	const struct lock_desc lock_desc_##sym = {                                   \
		.name = cli_name,                                                    \
		.description = desc,                                                 \
		.origin = orig,                                                      \
		.family = fam,                                                       \
		.props = properties,                                                 \
		.lock_size = lsize,                                                  \
		.node_size = nsize,                                                  \
		.init = sym##_init,                                                  \
		.destroy = sym##_destroy,                                            \
		.lock = sym##_lock,                                                  \
		.trylock = sym##_trylock,                                            \
		.unlock = sym##_unlock,                                              \
		__VA_ARGS__                                                          \
	}

#endif
