/*
 * cas.c - compare-and-swap spinlock.
 *
 * Lock word: 0 = free, 1 = held. Acquire is a strong CAS 0 -> 1; a waiter
 * whose CAS fails reads the word until it sees 0 before trying again, so a
 * failed attempt does not write the line (unlike an exchange, a failed CAS
 * still takes the line exclusive on x86, which is why the read loop is
 * there). Not fair.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"

struct cas_lock {
	_Atomic uint32_t word;
};

static inline int cas_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct cas_lock *)lk)->word, 0);
	return 0;
}

static inline void cas_destroy(void *lk) { }

static inline bool cas_trylock(void *lk, void *node)
{
	struct cas_lock *l = lk;
	uint32_t expected = 0;
	/* ACQUIRE on success: pairs with the RELEASE store in cas_unlock(). */
	return atomic_compare_exchange_strong_explicit(
		&l->word, &expected, 1, memory_order_acquire, memory_order_relaxed);
}

static inline void cas_lock(void *lk, void *node)
{
	struct cas_lock *l = lk;
	uint64_t spins = 0;

	while (!cas_trylock(lk, node)) {
		/* Relaxed: a hint only; the CAS orders the acquisition. */
		do {
			lock_cpu_relax();
			spins++;
		} while (atomic_load_explicit(&l->word, memory_order_relaxed) != 0);
	}
	if (spins)
		lock_thread_stats.spins += spins;
}

static inline void cas_unlock(void *lk, void *node)
{
	struct cas_lock *l = lk;
	/* RELEASE: publishes the critical section to the next CAS. */
	atomic_store_explicit(&l->word, 0, memory_order_release);
}

LOCK_DEFINE(cas, "cas", "compare-and-swap spinlock (CAS 0->1, read while held)",
	    "IBM System/370 compare-and-swap", LOCK_FAMILY_SPIN, 0,
	    sizeof(struct cas_lock), 0);
