/*
 * clh.c - CLH queue lock.
 *
 * The queue is implicit: tail points to the node of the last arrival, and
 * each node's locked flag says whether its owner still holds or waits for the
 * lock. A thread sets its node's flag, swaps it into tail and spins on the
 * node it got back (its predecessor's). On release it clears its own flag
 * and adopts the predecessor's node for its next acquisition: nodes migrate
 * between threads, so every node (the per-thread ones and the dummy inside
 * the lock) must stay allocated until the lock and all threads are done.
 * Fair: FIFO in the order of the exchange on tail.
 *
 * trylock: succeeds only if the last node in the queue is released and the
 * CAS on tail still sees it. In a rare race (that node was recycled and
 * re-queued between the check and the CAS) the caller ends up queued behind
 * a holder and waits for that one critical section instead of failing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"

struct clh_qnode {
	_Atomic uint32_t locked; /* 1: the owner holds or waits for the lock */
} __attribute__((aligned(LOCK_CACHELINE)));

/* The caller's per-thread node: which qnode it queues with next, the
 * predecessor it spun on, and the qnode storage it brings in. */
struct clh_thread {
	struct clh_qnode *mine;
	struct clh_qnode *pred;
	struct clh_qnode storage;
};

struct clh_lock {
	_Atomic(struct clh_qnode *) tail;
	struct clh_qnode dummy; /* released node the first arrival spins on */
};

static inline int clh_init(void *lk, const struct lock_params *p)
{
	struct clh_lock *l = lk;
	atomic_init(&l->dummy.locked, 0);
	atomic_init(&l->tail, &l->dummy);
	return 0;
}

static inline void clh_destroy(void *lk) { }

static void clh_thread_init(void *node)
{
	struct clh_thread *t = node;
	atomic_init(&t->storage.locked, 0);
	t->mine = &t->storage;
	t->pred = NULL;
}

static inline void clh_wait(struct clh_thread *t, struct clh_qnode *pred)
{
	uint64_t spins = 0;
	/* ACQUIRE: pairs with the RELEASE store in clh_unlock() of pred's
	 * owner. */
	while (atomic_load_explicit(&pred->locked, memory_order_acquire) != 0) {
		lock_cpu_relax();
		spins++;
	}
	if (spins)
		lock_thread_stats.spins += spins;
	t->pred = pred;
}

static inline void clh_lock(void *lk, void *node)
{
	struct clh_lock *l = lk;
	struct clh_thread *t = node;

	atomic_store_explicit(&t->mine->locked, 1, memory_order_relaxed);
	/* ACQ_REL: RELEASE publishes locked = 1 to the successor that finds
	 * our node in tail; ACQUIRE makes pred's node contents visible. */
	clh_wait(t, atomic_exchange_explicit(&l->tail, t->mine, memory_order_acq_rel));
}

static inline bool clh_trylock(void *lk, void *node)
{
	struct clh_lock *l = lk;
	struct clh_thread *t = node;
	struct clh_qnode *last = atomic_load_explicit(&l->tail, memory_order_acquire);

	/* Relaxed: only decides whether to try; clh_wait() orders the entry. */
	if (atomic_load_explicit(&last->locked, memory_order_relaxed) != 0)
		return false;
	atomic_store_explicit(&t->mine->locked, 1, memory_order_relaxed);
	/* ACQ_REL on success: as the exchange in clh_lock(). */
	if (!atomic_compare_exchange_strong_explicit(&l->tail, &last, t->mine,
						     memory_order_acq_rel,
						     memory_order_relaxed)) {
		atomic_store_explicit(&t->mine->locked, 0, memory_order_relaxed);
		return false;
	}
	clh_wait(t, last); /* returns at once unless the race above hit */
	return true;
}

static inline void clh_unlock(void *lk, void *node)
{
	struct clh_thread *t = node;
	/* RELEASE: pairs with the ACQUIRE spin of our successor in clh_wait(). */
	atomic_store_explicit(&t->mine->locked, 0, memory_order_release);
	/* Our old node now belongs to the successor; take the predecessor's,
	 * which nobody spins on any more. */
	t->mine = t->pred;
}

LOCK_DEFINE(clh, "clh", "CLH queue lock (FIFO, each waiter spins on its predecessor's node)",
	    "Craig 1993; Magnusson, Landin & Hagersten 1994", LOCK_FAMILY_QUEUE,
	    LOCK_FAIR | LOCK_NEEDS_NODE, sizeof(struct clh_lock),
	    sizeof(struct clh_thread), .thread_init = clh_thread_init);
