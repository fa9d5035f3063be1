/*
 * tas.c - test-and-set spinlock.
 *
 * Lock word: 0 = free, 1 = held. Every waiter retries the atomic exchange
 * itself, so each attempt takes the cache line exclusive: the baseline that
 * shows what the other spinlocks improve on. Not fair: whichever core wins
 * the exchange takes the lock, and the releasing core often wins again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"

struct tas_lock {
	_Atomic uint32_t word;
};

static inline int tas_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct tas_lock *)lk)->word, 0);
	return 0;
}

static inline void tas_destroy(void *lk) { }

static inline bool tas_trylock(void *lk, void *node)
{
	struct tas_lock *l = lk;
	/* ACQUIRE: pairs with the RELEASE store in tas_unlock(). */
	return atomic_exchange_explicit(&l->word, 1, memory_order_acquire) == 0;
}

static inline void tas_lock(void *lk, void *node)
{
	struct tas_lock *l = lk;
	uint64_t spins = 0;

	/* ACQUIRE: pairs with the RELEASE store in tas_unlock(). */
	while (atomic_exchange_explicit(&l->word, 1, memory_order_acquire) != 0) {
		lock_cpu_relax();
		spins++;
	}
	if (spins)
		lock_thread_stats.spins += spins;
}

static inline void tas_unlock(void *lk, void *node)
{
	struct tas_lock *l = lk;
	/* RELEASE: publishes the critical section to the next exchange. */
	atomic_store_explicit(&l->word, 0, memory_order_release);
}

LOCK_DEFINE(tas, "tas", "test-and-set spinlock (atomic exchange in a loop)",
	    "xv6 / ARM swp try-lock", LOCK_FAMILY_SPIN, 0,
	    sizeof(struct tas_lock), 0);
