/*
 * lll.c - lowlevellock-style mutex: one 32-bit futex word that carries both
 * the lock bit and the number of interested threads.
 *
 * Lock word:
 *   bit 31      LLL_LOCKED: the lock is held
 *   bits 0..30  threads that registered interest (waiting or about to wait)
 * 0 is free and uncontended. The fast path is CAS 0 -> LLL_LOCKED. A waiter
 * adds 1 to the count, then loops: if the lock bit is clear it sets it and
 * removes its count in one CAS, else it sleeps on the word's current value.
 * Unlock clears the lock bit; if the count is non-zero it wakes one thread.
 * Unlike `futex`, unlock knows exactly whether anyone is interested, so it
 * never makes a wake call that wakes nobody. Not fair: a running thread can
 * set the bit before a woken one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "futex.h"
#include "lock_define.h"

#define LLL_LOCKED 0x80000000u
#define LLL_WAITERS_MASK 0x7fffffffu

struct lll_lock {
	_Atomic uint32_t word;
};

static inline int lll_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct lll_lock *)lk)->word, 0);
	return 0;
}

static inline void lll_destroy(void *lk) { }

static inline bool lll_trylock(void *lk, void *node)
{
	struct lll_lock *l = lk;
	uint32_t v = atomic_load_explicit(&l->word, memory_order_relaxed);

	while (!(v & LLL_LOCKED)) {
		/* ACQUIRE: pairs with the RELEASE fetch_sub in lll_unlock(). */
		if (atomic_compare_exchange_weak_explicit(&l->word, &v, v | LLL_LOCKED,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	}
	return false;
}

static inline void lll_lock(void *lk, void *node)
{
	struct lll_lock *l = lk;
	uint32_t v = 0;

	/* ACQUIRE: pairs with the RELEASE fetch_sub in lll_unlock(). */
	if (atomic_compare_exchange_strong_explicit(&l->word, &v, LLL_LOCKED,
						    memory_order_acquire,
						    memory_order_relaxed))
		return;
	/* Register interest. Relaxed: the count lives in the same word as the
	 * lock bit, so unlock's RMW sees it in the word's modification order. */
	v = atomic_fetch_add_explicit(&l->word, 1, memory_order_relaxed) + 1;
	for (;;) {
		if (!(v & LLL_LOCKED)) {
			/* Take the lock and drop our interest in one step.
			 * ACQUIRE: pairs with the RELEASE fetch_sub in
			 * lll_unlock(). */
			if (atomic_compare_exchange_weak_explicit(
				    &l->word, &v, (v | LLL_LOCKED) - 1,
				    memory_order_acquire, memory_order_relaxed))
				return;
			continue;
		}
		/* Returns at once if the word moved on since we read v. */
		lock_futex_wait(&l->word, v);
		v = atomic_load_explicit(&l->word, memory_order_relaxed);
	}
}

static inline void lll_unlock(void *lk, void *node)
{
	struct lll_lock *l = lk;
	/* RELEASE: publishes the critical section to the next ACQUIRE CAS. */
	uint32_t old = atomic_fetch_sub_explicit(&l->word, LLL_LOCKED,
						 memory_order_release);
	if (old & LLL_WAITERS_MASK)
		lock_futex_wake(&l->word, 1);
}

static int lll_describe(const void *lk, char *buf, size_t len)
{
	uint32_t v = atomic_load((_Atomic uint32_t *)&((const struct lll_lock *)lk)->word);
	return snprintf(buf, len, "word=0x%08x (locked=%u interested=%u)", v,
			!!(v & LLL_LOCKED), v & LLL_WAITERS_MASK);
}

LOCK_DEFINE(lll, "lll",
	    "lowlevellock-style futex mutex: lock bit + count of interested threads",
	    "glibc nptl lowlevellock", LOCK_FAMILY_SLEEP, LOCK_MAY_SLEEP,
	    sizeof(struct lll_lock), 0, .describe = lll_describe);
