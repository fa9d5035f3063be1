/*
 * broken_lock.c - the negative control: a "lock" that tests the word and
 * then sets it with two separate operations, so two threads can both see it
 * free and both enter. Deliberately not in the registry; the tests must
 * catch it every run, which shows that they can catch a broken lock at all.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "broken_lock.h"

struct broken_lock {
	_Atomic uint32_t word;
};

static inline int broken_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct broken_lock *)lk)->word, 0);
	return 0;
}

static inline void broken_destroy(void *lk) { }

static inline bool broken_trylock(void *lk, void *node)
{
	struct broken_lock *l = lk;
	if (atomic_load_explicit(&l->word, memory_order_relaxed) != 0)
		return false;
	/* BUG (on purpose): another thread can pass the same check here. */
	for (int i = 0; i < 16; i++)
		lock_cpu_relax();
	atomic_store_explicit(&l->word, 1, memory_order_relaxed);
	return true;
}

static inline void broken_lock(void *lk, void *node)
{
	struct broken_lock *l = lk;
	while (!broken_trylock(lk, node))
		while (atomic_load_explicit(&l->word, memory_order_relaxed) != 0)
			lock_cpu_relax();
}

static inline void broken_unlock(void *lk, void *node)
{
	atomic_store_explicit(&((struct broken_lock *)lk)->word, 0, memory_order_release);
}

LOCK_DEFINE(broken, "broken", "NEGATIVE CONTROL: test, then set (not atomic)",
	    "tests only", LOCK_FAMILY_SPIN, 0, sizeof(struct broken_lock), 0);
