/*
 * sem.c - counting semaphore on a futex, used as a lock that admits up to
 * K = lock_params.permits holders at once (K = 1: a binary semaphore).
 *
 * State: one 64-bit word.
 *   bits 0..31   value: permits available now (0..K)
 *   bits 32..63  sleepers: threads registered to sleep for a permit
 * The futex is the 32-bit half that holds value. A post is one fetch_add
 * that also returns the sleeper count, so after it the poster touches the
 * semaphore only through the wake system call, which is harmless on freed
 * memory: a waiter may take the permit and free the semaphore at once
 * (the pattern of glibc bug 12674) without a use-after-free.
 * Not fair: a running thread can take a posted permit before a woken one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>

#include "futex.h"
#include "lock_define.h"

#define SEM_SLEEPER (UINT64_C(1) << 32)
#define SEM_VALUE(w) ((uint32_t)(w))

struct futex_sem_lock {
	union {
		_Atomic uint64_t word;
		_Atomic uint32_t half[2]; /* only for the futex address */
	};
};

static inline _Atomic uint32_t *futex_sem_futex_word(struct futex_sem_lock *s)
{
#ifdef WORDS_BIGENDIAN
	return &s->half[1];
#else
	return &s->half[0];
#endif
}

static inline int futex_sem_init(void *lk, const struct lock_params *p)
{
	struct futex_sem_lock *s = lk;
	unsigned k = p ? p->permits : 1;
	if (k == 0 || k > INT32_MAX)
		return EINVAL;
	atomic_init(&s->word, (uint64_t)k);
	return 0;
}

static inline void futex_sem_destroy(void *lk) { }

static inline bool futex_sem_trylock(void *lk, void *node)
{
	struct futex_sem_lock *s = lk;
	uint64_t w = atomic_load_explicit(&s->word, memory_order_relaxed);

	while (SEM_VALUE(w) > 0) {
		/* ACQUIRE: pairs with the RELEASE fetch_add in futex_sem_unlock(). */
		if (atomic_compare_exchange_weak_explicit(&s->word, &w, w - 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	}
	return false;
}

static inline void futex_sem_lock(void *lk, void *node)
{
	struct futex_sem_lock *s = lk;
	uint64_t w;

	if (futex_sem_trylock(lk, node))
		return;
	/* Register as a sleeper. Relaxed: value and sleepers share one word,
	 * so a post's fetch_add either precedes this (we then see its permit)
	 * or follows it (it then sees us and wakes). */
	w = atomic_fetch_add_explicit(&s->word, SEM_SLEEPER, memory_order_relaxed) +
	    SEM_SLEEPER;
	for (;;) {
		if (SEM_VALUE(w) > 0) {
			/* Take a permit and deregister in one step. ACQUIRE:
			 * pairs with the RELEASE fetch_add in futex_sem_unlock(). */
			if (atomic_compare_exchange_weak_explicit(
				    &s->word, &w, w - 1 - SEM_SLEEPER,
				    memory_order_acquire, memory_order_relaxed))
				return;
			continue;
		}
		lock_futex_wait(futex_sem_futex_word(s), 0);
		w = atomic_load_explicit(&s->word, memory_order_relaxed);
	}
}

static inline void futex_sem_unlock(void *lk, void *node)
{
	struct futex_sem_lock *s = lk;
	_Atomic uint32_t *futex_word = futex_sem_futex_word(s);
	/* RELEASE: publishes the holder's writes to the next ACQUIRE CAS. */
	uint64_t old = atomic_fetch_add_explicit(&s->word, 1, memory_order_release);
	/* From here on *s may already be freed: only the address is used. */
	if (old >> 32)
		lock_futex_wake(futex_word, 1);
}

static int futex_sem_describe(const void *lk, char *buf, size_t len)
{
	uint64_t w = atomic_load((_Atomic uint64_t *)&((const struct futex_sem_lock *)lk)->word);
	return snprintf(buf, len, "value=%u sleepers=%u", SEM_VALUE(w),
			(unsigned)(w >> 32));
}

LOCK_DEFINE(futex_sem, "sem", "counting semaphore on a futex (--permits K holders)",
	    "Dijkstra P/V; Linux kernel semaphore", LOCK_FAMILY_SLEEP,
	    LOCK_MAY_SLEEP | LOCK_COUNTING, sizeof(struct futex_sem_lock), 0,
	    .describe = futex_sem_describe);
