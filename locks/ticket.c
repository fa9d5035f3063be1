/*
 * ticket.c - fetch-and-add ticket lock.
 *
 * Two counters: next (the next ticket to hand out) and owner (the ticket now
 * served). Free when owner == next; a thread takes ticket t = next++ and
 * holds the lock while owner == t. The difference next - owner - 1 is the
 * number of waiters. Both counters wrap at 2^32, which is harmless: only
 * equality is ever tested. Fair: strict FIFO by ticket. All waiters spin on
 * the same owner word, so each release invalidates every waiter's copy.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"

struct ticket_lock {
	_Atomic uint32_t next;
	_Atomic uint32_t owner;
};

static inline int ticket_init(void *lk, const struct lock_params *p)
{
	struct ticket_lock *l = lk;
	atomic_init(&l->next, 0);
	atomic_init(&l->owner, 0);
	return 0;
}

static inline void ticket_destroy(void *lk) { }

static inline void ticket_lock(void *lk, void *node)
{
	struct ticket_lock *l = lk;
	/* Relaxed: taking a ticket orders nothing; the owner load below does. */
	uint32_t me = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
	uint64_t spins = 0;

	/* ACQUIRE: pairs with the RELEASE store of owner in ticket_unlock(). */
	while (atomic_load_explicit(&l->owner, memory_order_acquire) != me) {
		lock_cpu_relax();
		spins++;
	}
	if (spins)
		lock_thread_stats.spins += spins;
}

static inline bool ticket_trylock(void *lk, void *node)
{
	struct ticket_lock *l = lk;
	/* ACQUIRE: pairs with the RELEASE store of owner in ticket_unlock(),
	 * so a free lock seen here comes with the last holder's writes. */
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_acquire);
	uint32_t expected = owner;

	/* Take ticket `owner` only if nobody holds or waits (next == owner).
	 * A stale owner value can only be smaller than next, so the CAS fails. */
	return atomic_compare_exchange_strong_explicit(
		&l->next, &expected, owner + 1, memory_order_relaxed,
		memory_order_relaxed);
}

static inline void ticket_unlock(void *lk, void *node)
{
	struct ticket_lock *l = lk;
	/* Only the holder writes owner, so a load and a store suffice. */
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_relaxed);
	/* RELEASE: pairs with the ACQUIRE owner loads of the next holder. */
	atomic_store_explicit(&l->owner, owner + 1, memory_order_release);
}

LOCK_DEFINE(ticket, "ticket", "fetch-and-add ticket lock (FIFO, global spinning)",
	    "Mellor-Crummey & Scott 1991; Reed & Kanodia 1979", LOCK_FAMILY_SPIN,
	    LOCK_FAIR, sizeof(struct ticket_lock), 0);
