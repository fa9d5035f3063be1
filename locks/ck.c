/*
 * ck.c - concurrencykit's spinlocks (Debian libck-dev) as peers, run through
 * the same interface and harness as ours, so that "our ticket vs ck's
 * ticket" compares implementations and nothing else. Built only when
 * configure finds ck. Lock words and fairness are ck's:
 *   ck-fas     fetch-and-store (exchange) spinlock, reads while held; unfair
 *   ck-ticket  ticket lock, 16-bit halves of one word; FIFO
 *   ck-mcs     MCS queue lock, caller's node; FIFO
 *   ck-clh     CLH queue lock, nodes migrate like ours; FIFO
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
/* ck has no CLH trylock: take the lock only if the queue's last node is
 * released, by the same enqueue as lock(); like ours, a rare race can make
 * the caller wait for one critical section instead of failing. */
static inline bool ck_clh_trylock(void *lk, void *node)
{
	struct ck_clh_lock *l = lk;
	if (ck_spinlock_clh_locked(&l->tail))
		return false;
	ck_clh_lock(lk, node);
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
	    LOCK_FAIR | LOCK_NEEDS_NODE | LOCK_PEER, sizeof(struct ck_clh_lock),
	    sizeof(struct ck_clh_thread), .thread_init = ck_clh_thread_init);
