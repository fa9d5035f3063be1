/*
 * ttas.c - test-and-test-and-set spinlock with bounded exponential backoff.
 *
 * Lock word: 0 = free, 1 = held. Waiters spin on a plain load (the line stays
 * shared in their caches) and try the exchange only when the word reads 0;
 * after a failed exchange a waiter backs off for a randomised-free doubling
 * delay, from TTAS_BACKOFF_MIN up to TTAS_BACKOFF_MAX relax hints, so that the
 * release does not trigger a stampede of exchanges. Not fair.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"

#define TTAS_BACKOFF_MIN 4u
#define TTAS_BACKOFF_MAX 1024u

struct ttas_lock {
	_Atomic uint32_t word;
};

static inline int ttas_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct ttas_lock *)lk)->word, 0);
	return 0;
}

static inline void ttas_destroy(void *lk) { }

static inline bool ttas_trylock(void *lk, void *node)
{
	struct ttas_lock *l = lk;
	/* ACQUIRE: pairs with the RELEASE store in ttas_unlock(). */
	return atomic_load_explicit(&l->word, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&l->word, 1, memory_order_acquire) == 0;
}

static inline void ttas_lock(void *lk, void *node)
{
	struct ttas_lock *l = lk;
	uint32_t backoff = TTAS_BACKOFF_MIN;
	uint64_t spins = 0;

	for (;;) {
		/* ACQUIRE: pairs with the RELEASE store in ttas_unlock(). */
		if (atomic_exchange_explicit(&l->word, 1, memory_order_acquire) == 0)
			break;
		for (uint32_t i = 0; i < backoff; i++)
			lock_cpu_relax();
		spins += backoff;
		if (backoff < TTAS_BACKOFF_MAX)
			backoff <<= 1;
		/* Relaxed: only a hint that the exchange may now succeed; the
		 * exchange above provides the ordering. */
		while (atomic_load_explicit(&l->word, memory_order_relaxed) != 0) {
			lock_cpu_relax();
			spins++;
		}
	}
	if (spins)
		lock_thread_stats.spins += spins;
}

static inline void ttas_unlock(void *lk, void *node)
{
	struct ttas_lock *l = lk;
	/* RELEASE: publishes the critical section to the next exchange. */
	atomic_store_explicit(&l->word, 0, memory_order_release);
}

LOCK_DEFINE(ttas, "ttas",
	    "test-and-test-and-set spinlock with bounded exponential backoff",
	    "Rudolph & Segall 1984; Anderson 1990 (backoff)", LOCK_FAMILY_SPIN, 0,
	    sizeof(struct ttas_lock), 0);
