/*
 * mcs.c - MCS queue lock.
 *
 * Lock word: tail = NULL (free) or the node of the last thread in the queue.
 * Each waiter appends its own node and spins on node->locked, which only its
 * predecessor writes: one cache-line transfer per handoff however many
 * threads wait. The holder passes the lock by clearing its successor's
 * locked flag; with no successor it swings tail back to NULL. Fair: FIFO in
 * the order of the exchange on tail. The node must stay untouched by its
 * owner from lock() until unlock() returns.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"
#include "mcsqueue.h"

struct mcs_node {
	_Atomic(struct mcs_node *) next;
	_Atomic uint32_t locked; /* 1 while the owner must wait */
};

struct mcs_lock {
	_Atomic(struct mcs_node *) tail;
};

static inline int mcs_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct mcs_lock *)lk)->tail, NULL);
	return 0;
}

static inline void mcs_destroy(void *lk) { }

static inline void mcs_lock(void *lk, void *node)
{
	struct mcs_lock *l = lk;
	struct mcs_node *me = node, *pred;
	uint64_t spins = 0;

	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->locked, 1, memory_order_relaxed);
	/* The queue's orders: locks/mcsqueue.h. */
	pred = MCSQ_JOIN(&l->tail, me);
	if (pred == NULL)
		return;
	MCSQ_LINK(pred, me);
	/* ACQUIRE: pairs with the RELEASE store of locked in mcs_unlock(). */
	while (atomic_load_explicit(&me->locked, memory_order_acquire) != 0) {
		lock_cpu_relax();
		spins++;
	}
	lock_thread_stats.spins += spins;
}

static inline bool mcs_trylock(void *lk, void *node)
{
	struct mcs_lock *l = lk;
	struct mcs_node *me = node, *expected = NULL;

	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->locked, 1, memory_order_relaxed);
	/* ACQ_REL on success: as the exchange in mcs_lock(). */
	return atomic_compare_exchange_strong_explicit(
		&l->tail, &expected, me, memory_order_acq_rel, memory_order_relaxed);
}

static inline void mcs_unlock(void *lk, void *node)
{
	struct mcs_lock *l = lk;
	struct mcs_node *me = node;
	/* The queue's orders: locks/mcsqueue.h. */
	struct mcs_node *next = MCSQ_NEXT(me);

	if (next == NULL) {
		if (MCSQ_LEAVE_IF_LAST(&l->tail, me))
			return;
		/* A successor swapped tail but has not linked itself yet. */
		uint64_t spins = 0;
		while ((next = MCSQ_NEXT(me)) == NULL) {
			lock_cpu_relax();
			spins++;
		}
		lock_thread_stats.spins += spins;
	}
	/* RELEASE: pairs with the ACQUIRE spin on locked in mcs_lock(). */
	atomic_store_explicit(&next->locked, 0, memory_order_release);
}

LOCK_DEFINE(mcs, "mcs", "MCS queue lock (FIFO, each waiter spins on its own node)",
	    "Mellor-Crummey & Scott 1991; Linux OSQ", LOCK_FAMILY_QUEUE,
	    LOCK_FAIR | LOCK_NEEDS_NODE, sizeof(struct mcs_lock),
	    sizeof(struct mcs_node));
