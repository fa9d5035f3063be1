/*
 * mcs_tp.c - MCS-TP: an MCS queue lock whose releaser skips waiters that
 * look preempted (He, Scherer & Scott, "Preemption Adaptivity in
 * Time-Published Queue-Based Spin Locks", HiPC 2005). Our own implementation
 * from the paper's description, simplified: no timeouts (our interface has
 * no abortable acquisition), so a waiter's node leaves the queue only when
 * the releaser removes it. Clock and thresholds: timepub.h.
 *
 * Lock: tail = NULL (free) or the last node, as in MCS; progress = the clock
 * at the last handoff that a releaser published (written at most every
 * TP_YIELD_TICKS / 4, read by waiters deciding whether to yield).
 * Node: next (as in MCS), heartbeat (the waiter's clock, refreshed while it
 * spins), status:
 *   WAITING  queued (set by the owner before it enqueues)
 *   GRANTED  the releaser passed the lock to this node's owner
 *   REMOVED  the releaser skipped this node and is done with it: its owner
 *            enqueues the same node again at the tail
 * While a node is queued only the lock holder writes its status, so plain
 * stores do: the releaser, walking from its own node, grants the first
 * successor with a fresh heartbeat and marks each stale one it passes
 * REMOVED once it has read that node's next pointer (so the owner's reuse
 * cannot race with the read). If every successor was stale and the last of
 * them is still the tail, the releaser swings tail to NULL and the lock is
 * free: whoever runs first takes it, instead of the lock waiting for a
 * preempted thread to be scheduled. Waiters whose wait saw no handoff for
 * TP_YIELD_TICKS call sched_yield() between spins, so a preempted holder or
 * queue head gets a CPU; their heartbeat then goes stale and they are
 * skipped, which is the point.
 *
 * Not fair in the registry's sense (neither FIFO nor bounded bypass), but
 * starvation-free. A skipped waiter loses its place, and until it runs
 * again and re-queues, the running threads may take the lock any number of
 * times (that is the point: it is not running). After TP_MAX_SKIPS skips
 * within one acquisition it publishes TP_NEVER_STALE and is served in FIFO
 * order from its last enqueue: the number of skips is bounded, the number
 * of acquisitions that pass it meanwhile is not.
 * trylock: CAS NULL -> our node, never waits.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sched.h>
#include <stdio.h>

#include "lock_define.h"
#include "mcsqueue.h"
#include "timepub.h"

enum { MCSTP_WAITING = 0, MCSTP_GRANTED = 1, MCSTP_REMOVED = 2 };

struct mcstp_node {
	_Atomic(struct mcstp_node *) next;
	_Atomic uint32_t status;
	_Atomic uint64_t heartbeat;
};

struct mcstp_lock {
	_Atomic(struct mcstp_node *) tail;
	/* Its own line pair: waiters poll it, the releaser rarely writes it. */
	_Alignas(LOCK_PAD) _Atomic uint64_t progress;
};

static inline int mcs_tp_init(void *lk, const struct lock_params *p)
{
	struct mcstp_lock *l = lk;
	atomic_init(&l->tail, NULL);
	atomic_init(&l->progress, 0);
	return 0;
}

static inline void mcs_tp_destroy(void *lk) { }

/* Wait behind pred until granted; queue again each time we are removed. */
static __attribute__((noinline)) void mcstp_wait(struct mcstp_lock *l, struct mcstp_node *me,
						  struct mcstp_node *pred)
{
	uint64_t spins = 0;
	unsigned skips = 0;

	for (;;) {
		uint64_t since = tp_now();
		atomic_store_explicit(&me->heartbeat,
				      skips >= TP_MAX_SKIPS ? TP_NEVER_STALE : since,
				      memory_order_relaxed);
		/* RELEASE: pairs with the ACQUIRE loads of next in
		 * mcstp_pass() and mcs_tp_unlock(), which then read our
		 * heartbeat and write our status. Survives check-mutants
		 * (locks/MUTANTS.md), as do those three loads: needed, since on
		 * a weakly ordered CPU our relaxed MCSTP_WAITING could land
		 * after the passer's MCSTP_GRANTED (we would spin for ever) and
		 * the passer could read our previous heartbeat and skip us as
		 * stale; all are atomic words and TSan does not simulate stale
		 * reads of them, nor does x86 show them. */
		atomic_store_explicit(&pred->next, me, memory_order_release);
		for (unsigned n = 1;; n++) {
			/* ACQUIRE: pairs with the RELEASE stores of GRANTED and
			 * REMOVED in mcstp_pass(). */
			uint32_t st = atomic_load_explicit(&me->status, memory_order_acquire);
			if (st == MCSTP_GRANTED) {
				lock_thread_stats.spins += spins;
				return;
			}
			if (st == MCSTP_REMOVED)
				break;
			lock_cpu_relax();
			spins++;
			if (n % TP_REFRESH_SPINS == 0)
				tp_waiter_tick(&me->heartbeat, &l->progress, skips, &since);
		}
		/* Skipped: the releaser is done with our node. */
		skips++;
		atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
		atomic_store_explicit(&me->status, MCSTP_WAITING, memory_order_relaxed);
		/* ACQ_REL: as the exchange in mcs_tp_lock(). */
		pred = atomic_exchange_explicit(&l->tail, me, memory_order_acq_rel);
		if (pred == NULL) {
			lock_thread_stats.spins += spins;
			return;
		}
	}
}

static inline void mcs_tp_lock(void *lk, void *node)
{
	struct mcstp_lock *l = lk;
	struct mcstp_node *me = node;

	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->status, MCSTP_WAITING, memory_order_relaxed);
	/* ACQ_REL: RELEASE publishes the stores above to the successor that
	 * finds our node in tail; ACQUIRE pairs with the RELEASE CAS of tail
	 * to NULL in mcs_tp_unlock()/mcstp_pass() when the lock was free. */
	struct mcstp_node *pred = atomic_exchange_explicit(&l->tail, me, memory_order_acq_rel);
	if (pred != NULL)
		mcstp_wait(l, me, pred);
}

static inline bool mcs_tp_trylock(void *lk, void *node)
{
	struct mcstp_lock *l = lk;
	struct mcstp_node *me = node, *expected = NULL;

	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->status, MCSTP_WAITING, memory_order_relaxed);
	/* ACQ_REL on success: as the exchange in mcs_tp_lock(). */
	return atomic_compare_exchange_strong_explicit(
		&l->tail, &expected, me, memory_order_acq_rel, memory_order_relaxed);
}

/* Hand the lock from me to the first successor that looks alive. */
static __attribute__((noinline)) void mcstp_pass(struct mcstp_lock *l, struct mcstp_node *me,
						  struct mcstp_node *next)
{
	struct mcstp_node *cur = me;
	uint64_t now = tp_now(), spins = 0;

	for (;;) {
		if (next == NULL) {
			struct mcstp_node *expected = cur;
			/* RELEASE: pairs with the ACQUIRE exchange of the next
			 * locker, which finds the lock free. Needed: it publishes
			 * our critical section. It survives check-mutants
			 * (locks/MUTANTS.md) because it succeeds only with
			 * cur != me (tail cannot come back to me while we hold),
			 * i.e. after every waiter behind us was skipped as stale,
			 * which needs a waiter descheduled for TP_STALE_TICKS;
			 * the lock suites never force that. tests/locks/mcs_tp_skip
			 * does, and catches it under TSan. */
			if (atomic_compare_exchange_strong_explicit(
				    &l->tail, &expected, NULL, memory_order_release,
				    memory_order_relaxed)) {
				if (cur != me)
					/* RELEASE: pairs with the owner's ACQUIRE
					 * status load: our reads of the node come
					 * before its reuse. Survives check-mutants
					 * (locks/MUTANTS.md): the reads it orders
					 * are of atomic fields (next, heartbeat), so
					 * without it the risk is load buffering (our
					 * earlier read of cur->next returning the
					 * NULL the owner stores when it queues
					 * again), which ARM permits in principle,
					 * x86 never does and TSan does not model;
					 * this path also needs a stale waiter (see
					 * the CAS above). */
					atomic_store_explicit(&cur->status, MCSTP_REMOVED,
							      memory_order_release);
				break;
			}
			/* A successor swapped tail but has not linked itself.
			 * ACQUIRE: pairs with its RELEASE store of cur->next
			 * (survives check-mutants: see mcstp_wait()). */
			while ((next = atomic_load_explicit(&cur->next, memory_order_acquire)) == NULL) {
				lock_cpu_relax();
				spins++;
			}
		}
		if (cur != me)
			/* RELEASE: as above (survives check-mutants for the
			 * same reason: the reads of cur it orders are of atomic
			 * fields, and a waiter is skipped only when stale). */
			atomic_store_explicit(&cur->status, MCSTP_REMOVED, memory_order_release);
		if (tp_stale(atomic_load_explicit(&next->heartbeat, memory_order_relaxed), now)) {
			cur = next;
			/* ACQUIRE: pairs with the RELEASE link store of cur's
			 * successor in mcstp_wait() (survives check-mutants: see
			 * there; this path also needs a stale waiter). */
			next = atomic_load_explicit(&cur->next, memory_order_acquire);
			continue;
		}
		/* Relaxed: a yield hint; written rarely to keep its line
		 * shared in the waiters' caches. */
		if (now - atomic_load_explicit(&l->progress, memory_order_relaxed) > TP_YIELD_TICKS / 4)
			atomic_store_explicit(&l->progress, now, memory_order_relaxed);
		/* RELEASE: pairs with the ACQUIRE status load in mcstp_wait(). */
		atomic_store_explicit(&next->status, MCSTP_GRANTED, memory_order_release);
		break;
	}
	lock_thread_stats.spins += spins;
}

static inline void mcs_tp_unlock(void *lk, void *node)
{
	struct mcstp_lock *l = lk;
	struct mcstp_node *me = node;
	/* The queue's orders: locks/mcsqueue.h (the link is mcstp_wait()'s). */
	struct mcstp_node *next = MCSQ_NEXT(me);

	if (next == NULL && MCSQ_LEAVE_IF_LAST(&l->tail, me))
		return;
	mcstp_pass(l, me, next);
}

static int mcs_tp_describe(const void *lk, char *buf, size_t len)
{
	const struct mcstp_lock *l = lk;
	return snprintf(buf, len, "tail=%p progress=%llu",
			(void *)atomic_load((_Atomic(struct mcstp_node *) *)&l->tail),
			(unsigned long long)atomic_load((_Atomic uint64_t *)&l->progress));
}

LOCK_DEFINE(mcs_tp, "mcs-tp",
	    "time-published MCS: the releaser skips waiters that look preempted (starvation-free, not FIFO)",
	    "He, Scherer & Scott, HiPC 2005", LOCK_FAMILY_QUEUE,
	    LOCK_NEEDS_NODE, sizeof(struct mcstp_lock),
	    sizeof(struct mcstp_node), .describe = mcs_tp_describe);
