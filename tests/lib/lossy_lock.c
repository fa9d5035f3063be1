/*
 * lossy_lock.c - the lost wake-up negative control: the 3-state futex mutex
 * of locks/futex.c (0 free, 1 held, 2 held with sleepers) whose unlock skips
 * every LOSSY_SKIP_EVERY-th FUTEX_WAKE it owes. Mutual exclusion is intact;
 * only liveness breaks, and only when no later unlock comes to wake the
 * forgotten sleeper. Deliberately not in the registry; tests/locks/liveness_lossy
 * must catch it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "futex.h"
#include "lossy_lock.h"

#define LOSSY_SKIP_EVERY 5

struct lossy_lock {
	_Atomic uint32_t word;
	_Atomic unsigned wakes_owed;
};

static inline int lossy_init(void *lk, const struct lock_params *p)
{
	struct lossy_lock *l = lk;
	atomic_init(&l->word, 0);
	atomic_init(&l->wakes_owed, 0);
	return 0;
}

static inline void lossy_destroy(void *lk) { }

static inline bool lossy_trylock(void *lk, void *node)
{
	struct lossy_lock *l = lk;
	uint32_t expected = 0;
	/* ACQUIRE: pairs with the RELEASE exchange in lossy_unlock(). */
	return atomic_compare_exchange_strong_explicit(&l->word, &expected, 1,
						       memory_order_acquire,
						       memory_order_relaxed);
}

static inline void lossy_lock(void *lk, void *node)
{
	struct lossy_lock *l = lk;
	if (lossy_trylock(lk, node))
		return;
	/* ACQUIRE: as in lossy_trylock(). */
	while (atomic_exchange_explicit(&l->word, 2, memory_order_acquire) != 0)
		lock_futex_wait(&l->word, 2);
}

static inline void lossy_unlock(void *lk, void *node)
{
	struct lossy_lock *l = lk;
	/* RELEASE: publishes the critical section to the next acquirer. */
	if (atomic_exchange_explicit(&l->word, 0, memory_order_release) != 2)
		return;
	/* BUG (on purpose): one owed wake in LOSSY_SKIP_EVERY is dropped. */
	if (atomic_fetch_add_explicit(&l->wakes_owed, 1, memory_order_relaxed) %
	    LOSSY_SKIP_EVERY == LOSSY_SKIP_EVERY - 1)
		return;
	lock_futex_wake(&l->word, 1);
}

LOCK_DEFINE(lossy, "lossy", "NEGATIVE CONTROL: futex mutex that drops 1 wake in 5",
	    "tests only", LOCK_FAMILY_SLEEP, LOCK_MAY_SLEEP, sizeof(struct lossy_lock), 0);
