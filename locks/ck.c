/*
 * ck.c - concurrencykit's spinlocks (Debian libck-dev) as peers, run through
 * the same interface and harness as ours, so that "our ticket vs ck's
 * ticket" compares implementations and nothing else. Built only when
 * configure finds ck. Lock words and fairness are ck's:
 *   ck-fas     fetch-and-store (exchange) spinlock, reads while held; unfair
 *   ck-ticket  ticket lock, 16-bit halves of one word; FIFO
 *   ck-mcs     MCS queue lock, caller's node; FIFO
 *   ck-clh     CLH queue lock, nodes migrate like ours; FIFO; its trylock
 *              may wait in a rare race (below)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ck_spinlock.h>

#include "lock_define.h"

/* ck-fas */
static inline int ck_fas_init(void *lk, const struct lock_params *p)
{
	ck_spinlock_fas_init(lk);
	return 0;
}
static inline void ck_fas_destroy(void *lk) { }
static inline void ck_fas_lock(void *lk, void *node) { ck_spinlock_fas_lock(lk); }
static inline bool ck_fas_trylock(void *lk, void *node) { return ck_spinlock_fas_trylock(lk); }
static inline void ck_fas_unlock(void *lk, void *node) { ck_spinlock_fas_unlock(lk); }

/* ck-ticket */
static inline int ck_ticket_init(void *lk, const struct lock_params *p)
{
	ck_spinlock_ticket_init(lk);
	return 0;
}
static inline void ck_ticket_destroy(void *lk) { }
static inline void ck_ticket_lock(void *lk, void *node) { ck_spinlock_ticket_lock(lk); }
/* concurrencykit 0.7.1 has a ticket trylock only where it packs both counters
 * into one word (x86, CK_F_SPINLOCK_TICKET_TRYLOCK). Elsewhere (aarch64...)
 * the lock is two counters, next (tickets handed out) and position (ticket
 * now served), and it is free exactly when they are equal; trylock then takes
 * ticket `position` by moving next from position to position + 1 with ck's
 * own CAS, which is lock() without the wait. If the CAS succeeds, next was
 * still the position read, and since position never passes next, position
 * was unchanged too: the ticket is served at once. ck's atomics are not
 * fences: ck_pr_fence_lock() makes the success an acquire (pairs with the
 * ck_pr_fence_unlock() before the holder's position store in
 * ck_spinlock_ticket_unlock()), as at the end of ck_spinlock_ticket_lock(). */
static inline bool ck_ticket_trylock(void *lk, void *node)
{
#ifdef CK_F_SPINLOCK_TICKET_TRYLOCK
	return ck_spinlock_ticket_trylock(lk);
#else
	ck_spinlock_ticket_t *t = lk;
	unsigned int position = ck_pr_load_uint(&t->position);

	if (!ck_pr_cas_uint(&t->next, position, position + 1))
		return false;
	ck_pr_fence_lock();
	return true;
#endif
}
static inline void ck_ticket_unlock(void *lk, void *node) { ck_spinlock_ticket_unlock(lk); }

/* ck-mcs: the lock is ck's queue pointer, the node is ck's context. */
static inline int ck_mcs_init(void *lk, const struct lock_params *p)
{
	ck_spinlock_mcs_init(lk);
	return 0;
}
static inline void ck_mcs_destroy(void *lk) { }
static inline void ck_mcs_lock(void *lk, void *node) { ck_spinlock_mcs_lock(lk, node); }
static inline bool ck_mcs_trylock(void *lk, void *node) { return ck_spinlock_mcs_trylock(lk, node); }
static inline void ck_mcs_unlock(void *lk, void *node) { ck_spinlock_mcs_unlock(lk, node); }

/* ck-clh: ck's unlock hands the thread its predecessor's node through a
 * pointer, so the per-thread node holds that pointer plus the storage the
 * thread brings in; the lock holds the initial unowned node. */
struct ck_clh_lock {
	ck_spinlock_clh_t *tail;
	ck_spinlock_clh_t unowned;
};
struct ck_clh_thread {
	ck_spinlock_clh_t *mine;
	ck_spinlock_clh_t storage;
};

static inline int ck_clh_init(void *lk, const struct lock_params *p)
{
	struct ck_clh_lock *l = lk;
	ck_spinlock_clh_init(&l->tail, &l->unowned);
	return 0;
}
static void ck_clh_thread_init(void *node)
{
	struct ck_clh_thread *t = node;
	t->mine = &t->storage;
}
static inline void ck_clh_destroy(void *lk) { }
static inline void ck_clh_lock(void *lk, void *node)
{
	ck_spinlock_clh_lock(&((struct ck_clh_lock *)lk)->tail,
			     ((struct ck_clh_thread *)node)->mine);
}
/* ck has no CLH trylock; ours works on ck's node fields with the same
 * protocol as locks/clh.c: take the lock only if the queue's last node is
 * released and a CAS on tail still sees it (ck's own "locked? then lock()"
 * queued behind whoever arrived in between). When the CAS lands behind a
 * holder (the last node was recycled and queued again: ABA), leave the
 * queue by putting tail back - unless a successor already spins on our
 * node: ck's lock() cannot skip an abandoned node, so then trylock waits
 * for that holder. Hence LOCK_TRYLOCK_MAY_BLOCK (kept out of substitution).
 * __atomic builtins on ck's plain fields: ck's own accesses to them are
 * ck_pr operations, atomic on every target. */
static inline bool ck_clh_trylock(void *lk, void *node)
{
	struct ck_clh_lock *l = lk;
	ck_spinlock_clh_t *mine = ((struct ck_clh_thread *)node)->mine;
	ck_spinlock_clh_t *last = __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE);

	/* Relaxed: only decides whether to try; the ACQUIRE re-check below
	 * orders the entry. */
	if (__atomic_load_n(&last->wait, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&mine->wait, 1, __ATOMIC_RELAXED);
	/* ACQ_REL on success: RELEASE publishes wait = 1 to a successor (as
	 * ck's fence + fas), ACQUIRE makes last's contents visible. */
	if (!__atomic_compare_exchange_n(&l->tail, &last, mine, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		__atomic_store_n(&mine->wait, 0, __ATOMIC_RELAXED);
		return false;
	}
	mine->previous = last; /* read by ck's unlock, on this thread */
	/* ACQUIRE: pairs with ck's unlock (fence_unlock, store wait = 0). */
	if (!__atomic_load_n(&last->wait, __ATOMIC_ACQUIRE))
		return true;
	ck_spinlock_clh_t *expect = mine;
	/* Relaxed: see clh_trylock() in locks/clh.c. */
	if (__atomic_compare_exchange_n(&l->tail, &expect, last, false,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		__atomic_store_n(&mine->wait, 0, __ATOMIC_RELAXED);
		return false;
	}
	/* ACQUIRE: as above. This is the wait that makes trylock block. */
	while (__atomic_load_n(&last->wait, __ATOMIC_ACQUIRE))
		lock_cpu_relax();
	return true;
}
static inline void ck_clh_unlock(void *lk, void *node)
{
	ck_spinlock_clh_unlock(&((struct ck_clh_thread *)node)->mine);
}

LOCK_DEFINE(ck_fas, "ck-fas", "concurrencykit fetch-and-store spinlock",
	    "concurrencykit ck_spinlock_fas", LOCK_FAMILY_SPIN, LOCK_PEER,
	    sizeof(ck_spinlock_fas_t), 0);
LOCK_DEFINE(ck_ticket, "ck-ticket", "concurrencykit ticket lock",
	    "concurrencykit ck_spinlock_ticket", LOCK_FAMILY_SPIN,
	    LOCK_FAIR | LOCK_PEER, sizeof(ck_spinlock_ticket_t), 0);
LOCK_DEFINE(ck_mcs, "ck-mcs", "concurrencykit MCS queue lock",
	    "concurrencykit ck_spinlock_mcs", LOCK_FAMILY_QUEUE,
	    LOCK_FAIR | LOCK_NEEDS_NODE | LOCK_PEER, sizeof(ck_spinlock_mcs_t),
	    sizeof(ck_spinlock_mcs_context_t));
LOCK_DEFINE(ck_clh, "ck-clh", "concurrencykit CLH queue lock",
	    "concurrencykit ck_spinlock_clh", LOCK_FAMILY_QUEUE,
	    LOCK_FAIR | LOCK_NEEDS_NODE | LOCK_PEER | LOCK_TRYLOCK_MAY_BLOCK,
	    sizeof(struct ck_clh_lock),
	    sizeof(struct ck_clh_thread), .thread_init = ck_clh_thread_init);
