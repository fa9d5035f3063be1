/*
 * hemlock.c - Hemlock (Dice & Kogan, "Hemlock: Compact and Scalable Mutual
 * Exclusion", SPAA 2021). Our own implementation from the paper's
 * description.
 *
 * One word per lock: tail = NULL (free) or the node of the last thread that
 * arrived. One word per thread: grant, in the caller's node. Like CLH, each
 * waiter finds its predecessor by exchanging tail and spins on the
 * predecessor's node; unlike CLH, nodes never migrate and the lock needs no
 * dummy node, and unlike MCS nobody links a next pointer.
 *   grant == NULL  the thread is not handing over any lock (always, outside
 *                  the hand-over window of its unlock)
 *   grant == L     the thread, releasing lock L, offers it to the successor
 *                  that spins on this node; the successor takes it by a CAS
 *                  L -> NULL (the acknowledgement), and only then does the
 *                  releaser's unlock return.
 * Because grant names the lock, one grant word could serve every lock a
 * thread holds (the paper's point); through our interface a thread passes a
 * node per lock, which is just as correct. The acknowledgement wait makes
 * the releaser's unlock last until its successor runs: an unlock with a
 * preempted successor waits for it (Hemlock's price under oversubscription).
 *
 * Fair: FIFO in the order of the exchange on tail. trylock only succeeds on
 * a free lock (CAS NULL -> our node).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "lock_define.h"

struct hem_node {
	_Atomic(void *) grant;
};

struct hem_lock {
	_Atomic(struct hem_node *) tail;
};

static inline int hemlock_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct hem_lock *)lk)->tail, NULL);
	return 0;
}

static inline void hemlock_destroy(void *lk) { }

static inline void hemlock_lock(void *lk, void *node)
{
	struct hem_lock *l = lk;
	struct hem_node *me = node;
	/* ACQ_REL: ACQUIRE pairs with the RELEASE CAS in hemlock_unlock()
	 * when the lock was free. RELEASE: our last read of our own grant (the
	 * successor's NULL, in the previous unlock) happens before our
	 * successor's reads of it, so it cannot see our old offer of this
	 * lock and take it twice. */
	struct hem_node *pred = atomic_exchange_explicit(&l->tail, me, memory_order_acq_rel);
	uint64_t spins = 0;

	if (pred == NULL)
		return;
	/* Wait for the grant and acknowledge it in one step: a CAS of the
	 * predecessor's grant from this lock to NULL (the paper's coherence
	 * traffic reduction). Spinning with loads and then storing NULL makes
	 * the line travel twice per hand-over (shared to us, then exclusive
	 * for the store); the CAS takes it exclusive once. With 2 pinned
	 * threads and 100 ns sections: 5.6-5.9M acq/s with loads, 6.3-6.6M
	 * with the CAS (mcs 6.1-6.5M), same run. ACQUIRE on success: pairs
	 * with the RELEASE store of grant in the predecessor's
	 * hemlock_unlock(). Our NULL publishes nothing: the predecessor only
	 * waits for it before reusing its grant, and coherence orders its
	 * later writes of grant after it. Relaxed on failure: we only retry. */
	void *expected = l;
	while (!atomic_compare_exchange_weak_explicit(&pred->grant, &expected, NULL,
						      memory_order_acquire,
						      memory_order_relaxed)) {
		expected = l;
		lock_cpu_relax();
		spins++;
	}
	lock_thread_stats.spins += spins;
}

static inline bool hemlock_trylock(void *lk, void *node)
{
	struct hem_lock *l = lk;
	struct hem_node *expected = NULL;
	/* ACQ_REL on success: as the exchange in hemlock_lock(). */
	return atomic_compare_exchange_strong_explicit(&l->tail, &expected, (struct hem_node *)node,
						       memory_order_acq_rel,
						       memory_order_relaxed);
}

static inline void hemlock_unlock(void *lk, void *node)
{
	struct hem_lock *l = lk;
	struct hem_node *me = node, *expected = me;

	/* RELEASE: pairs with the ACQUIRE exchange of the next locker that
	 * finds the lock free. */
	if (atomic_compare_exchange_strong_explicit(&l->tail, &expected, NULL,
						    memory_order_release,
						    memory_order_relaxed))
		return;
	/* A successor exchanged tail after us and spins on our grant.
	 * RELEASE: pairs with its ACQUIRE wait in hemlock_lock(). */
	atomic_store_explicit(&me->grant, lk, memory_order_release);
	uint64_t spins = 0;
	/* Relaxed: only the value matters (see the exchange in
	 * hemlock_lock() for why NULL must be read before we queue again). */
	while (atomic_load_explicit(&me->grant, memory_order_relaxed) != NULL) {
		lock_cpu_relax();
		spins++;
	}
	lock_thread_stats.spins += spins;
}

static int hemlock_describe(const void *lk, char *buf, size_t len)
{
	return snprintf(buf, len, "tail=%p",
			(void *)atomic_load((_Atomic(struct hem_node *) *)
					    &((const struct hem_lock *)lk)->tail));
}

LOCK_DEFINE(hemlock, "hemlock",
	    "Hemlock: one-word queue lock, per-thread grant word (FIFO)",
	    "Dice & Kogan, SPAA 2021", LOCK_FAMILY_QUEUE,
	    LOCK_FAIR | LOCK_NEEDS_NODE, sizeof(struct hem_lock), sizeof(struct hem_node),
	    .describe = hemlock_describe);
