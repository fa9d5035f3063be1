/*
 * mcs_park.c - MCS queue lock whose waiters spin, then sleep (spin-then-park).
 *
 * Lock word: tail = NULL (free) or the node of the last thread in the queue,
 * as in mcs.c. Each waiter appends its own node and waits on the state word
 * of that node (locks/park.h): it spins up to the spin budget
 * (lock_params.spin_budget relax hints, 0 = PARK_DEFAULT_BUDGET), then sleeps
 * on the state word with FUTEX_WAIT. The holder passes the lock by exchanging
 * PARK_GRANTED into its successor's state and makes a FUTEX_WAKE only if the
 * successor had gone to sleep (the exchange returned PARK_PARKED). With no
 * successor it swings tail back to NULL.
 *
 * Policy: LiTL's spin-then-park (Guiroux, Lachaize & Quema, "Multicore Locks:
 * The Case Is Not Closed Yet", USENIX ATC 2016) on an MCS queue
 * (Mellor-Crummey & Scott 1991); spin budget after Mutexee (Falsafi et al.,
 * "Unlocking Energy", USENIX ATC 2016).
 *
 * Fairness: FIFO in the order of the exchange on tail, like mcs. Under
 * oversubscription this is also its cost: every handoff goes to the oldest
 * waiter, which has usually spent its budget and sleeps, so most handoffs
 * pay a wake-up and a context switch (see results/README.md).
 *
 * trylock takes the lock only if the queue is empty (CAS tail NULL -> me):
 * it never waits behind queued threads.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "lock_define.h"
#include "mcsqueue.h"
#include "park.h"

struct mcs_park_lock {
	_Atomic(struct park_node *) tail;
	unsigned spin_budget;
	/* park_cpu() of the holder, written by each new holder: a hint for
	 * the waiters (park_wait()), on its own line so that the holder's
	 * store does not disturb arrivals on tail. */
	_Atomic int holder_cpu __attribute__((aligned(LOCK_CACHELINE)));
};

static inline int mcs_park_init(void *lk, const struct lock_params *p)
{
	struct mcs_park_lock *l = lk;
	atomic_init(&l->tail, NULL);
	l->spin_budget = park_budget(p);
	atomic_init(&l->holder_cpu, 0);
	return 0;
}

static inline void mcs_park_destroy(void *lk) { }

static inline void mcs_park_lock(void *lk, void *node)
{
	struct mcs_park_lock *l = lk;
	struct park_node *me = node;
	int cpu = park_cpu();

	/* Join the queue and, behind a predecessor, wait for the grant. */
	(void)park_join(&l->tail, me, &l->spin_budget, &l->holder_cpu, cpu);
	/* Relaxed: a hint (see park_wait()). */
	atomic_store_explicit(&l->holder_cpu, cpu, memory_order_relaxed);
}

static inline bool mcs_park_trylock(void *lk, void *node)
{
	struct mcs_park_lock *l = lk;
	struct park_node *me = node, *expected = NULL;

	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->state, PARK_WAIT, memory_order_relaxed);
	/* ACQ_REL on success: as the exchange in mcs_park_lock(). */
	if (!atomic_compare_exchange_strong_explicit(&l->tail, &expected, me,
						     memory_order_acq_rel,
						     memory_order_relaxed))
		return false;
	/* Relaxed: a hint (see park_wait()). */
	atomic_store_explicit(&l->holder_cpu, park_cpu(), memory_order_relaxed);
	return true;
}

static inline void mcs_park_unlock(void *lk, void *node)
{
	struct mcs_park_lock *l = lk;
	struct park_node *me = node;
	/* The queue's orders: locks/mcsqueue.h. */
	struct park_node *next = MCSQ_NEXT(me);

	if (next == NULL) {
		if (MCSQ_LEAVE_IF_LAST(&l->tail, me))
			return;
		next = park_wait_next(me);
	}
	park_grant(next);
}

static int mcs_park_describe(const void *lk, char *buf, size_t len)
{
	const struct mcs_park_lock *l = lk;
	struct park_node *t = atomic_load((_Atomic(struct park_node *) *)&l->tail);
	return snprintf(buf, len, "tail=%p tail.state=%d", (void *)t,
			t ? (int)atomic_load(&t->state) : -1);
}

LOCK_DEFINE(mcs_park, "mcs-park",
	    "MCS queue lock, waiters spin a bounded time on their node, then sleep on it",
	    "LiTL spin-then-park (Guiroux et al. 2016); Mutexee budget (Falsafi et al. 2016)",
	    LOCK_FAMILY_HYBRID, LOCK_FAIR | LOCK_MAY_SLEEP | LOCK_NEEDS_NODE,
	    sizeof(struct mcs_park_lock), sizeof(struct park_node),
	    .describe = mcs_park_describe);
