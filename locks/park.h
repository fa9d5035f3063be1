/*
 * park.h - the spin-then-park waiting policy shared by the queue locks that
 * sleep (mcs-park, malthusian): a waiter spins a bounded time on the state
 * word of its own queue node, then sleeps on that word with FUTEX_WAIT; the
 * thread that grants it the lock makes a FUTEX_WAKE only if it went to sleep.
 * This is the spin-then-park policy of LiTL (Guiroux, Lachaize & Quema,
 * USENIX ATC 2016); the budget follows Mutexee (Falsafi, Guerraoui, Picorel &
 * Trigonakis, "Unlocking Energy", USENIX ATC 2016): spin about as long as a
 * futex sleep plus wake-up costs, then sleep.
 *
 * Node state word (32 bits, the futex):
 *   PARK_GRANTED  0  the lock is ours (written only by the granting holder)
 *   PARK_WAIT     1  waiting, spinning
 *   PARK_PARKED   2  waiting, asleep or about to sleep (written by the waiter)
 *   PARK_HEAD     3  malthusian: first in the queue, compete for the lock
 *                    word (written by the holder that promotes the node, or
 *                    that wakes a sleeping head: CAS PARKED -> HEAD)
 * The waiter's CAS WAIT -> PARKED and the exchange that ends its wait
 * (-> GRANTED, or -> HEAD) are read-modify-writes of the same word, so one of
 * them comes first: either that exchange sees PARKED and wakes, or the CAS
 * fails and the waiter sees the new state. No wake-up is lost. A wake that
 * reaches a node after its owner has moved on (or a reused node) is a
 * spurious wake-up, which every sleeper absorbs by re-reading its state.
 * A spinning waiter that finds the holder on its own CPU (a hint the locks
 * keep) yields the CPU instead of spinning: pinned and oversubscribed, the
 * holder cannot run while it spins.
 */
#ifndef CONTEND_PARK_H
#define CONTEND_PARK_H

#include <sched.h>
#include <time.h>

#include "futex.h"
#include "lock.h"
#include "mcsqueue.h"

/* Relax hints a queued waiter spins before it sleeps when the caller leaves
 * lock_params.spin_budget at 0. As futex-spin's default: a relax hint costs
 * ~10-40 ns, so this spins up to a few tens of microseconds, about the cost of
 * a futex sleep plus the wake-up (Mutexee's rule). */
#define PARK_DEFAULT_BUDGET 1000u

/* Relax hints a releaser spins waiting for its successor to link itself
 * before it yields the CPU to it: under oversubscription the successor may
 * have been preempted between its exchange on tail and its link. */
#define PARK_LINK_SPINS 256u

enum { PARK_GRANTED = 0, PARK_WAIT = 1, PARK_PARKED = 2, PARK_HEAD = 3 };

struct park_node {
	_Atomic(struct park_node *) next; /* queue successor */
	_Atomic uint32_t state;           /* PARK_*, the futex word */
	/* The CPU the owner ran on when it queued, + 1 (0: unknown; only
	 * malthusian sets it, to pick a head on another CPU than the
	 * holder's). A hint only (a thread may migrate), so relaxed
	 * everywhere. */
	_Atomic int cpu;
};

static inline unsigned park_budget(const struct lock_params *p)
{
	return p && p->spin_budget ? p->spin_budget : PARK_DEFAULT_BUDGET;
}

/* The calling thread's CPU + 1, or 0 if unknown. glibc reads it from the
 * rseq area: a load, no system call. */
static inline int park_cpu(void)
{
	return sched_getcpu() + 1;
}

/* However few relax hints that is, a waiter also stops spinning after this
 * long: the cost of a futex sleep plus wake-up (Mutexee's rule), in time, for
 * machines (or sanitizers) where a spin iteration costs more than its relax
 * hint, and for a waiter that was preempted while it spun. */
#define PARK_SPIN_NS 20000u

static inline uint64_t park_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How often a spinning waiter looks at where the holder runs, and at the
 * clock. */
#define PARK_HOLDER_CHECK 16u
/* What a sched_yield() costs of the spin budget, in relax hints: a system
 * call and usually a context switch, ~0.5-1 us. */
#define PARK_YIELD_COST 32u

/* Wait until *me leaves PARK_WAIT / PARK_PARKED (granted the lock, or made
 * the head) and return the new state: spin up to `budget` relax hints while
 * the state is PARK_WAIT, then sleep. *holder_cpu is where the current holder
 * runs (park_cpu() of it, 0 unknown): a waiter that finds the holder on its
 * own CPU is what keeps the holder from running (oversubscription with
 * pinned threads), so instead of a relax hint it yields the CPU. */
static inline uint32_t park_wait(struct park_node *me, unsigned budget,
				 const _Atomic int *holder_cpu, int cpu)
{
	uint64_t spins = 0, start = 0;
	bool failed = false, colocated = false;
	uint32_t s;

	for (;;) {
		/* ACQUIRE: pairs with the RELEASE exchange in park_grant() or
		 * park_set(). */
		s = atomic_load_explicit(&me->state, memory_order_acquire);
		if (s != PARK_WAIT && s != PARK_PARKED)
			break;
		if (s == PARK_WAIT) {
			if (spins < budget && spins % PARK_HOLDER_CHECK == 0) {
				uint64_t now = park_now_ns();
				if (start == 0)
					start = now;
				else if (now - start >= PARK_SPIN_NS)
					budget = 0; /* out of time */
			}
			if (spins < budget) {
				/* Relaxed: a scheduling hint, orders nothing.
				 * Once the holder was found here, look again
				 * after every yield. */
				if ((colocated || spins % PARK_HOLDER_CHECK == 0) && cpu != 0)
					colocated = atomic_load_explicit(
						holder_cpu, memory_order_relaxed) == cpu;
				if (colocated) {
					sched_yield();
					spins += PARK_YIELD_COST;
				} else {
					lock_cpu_relax();
					spins++;
				}
				continue;
			}
			/* Relaxed: announces the sleep, publishes no data;
			 * the grant's exchange reads it in the word's
			 * modification order. On failure, re-read above. */
			if (!atomic_compare_exchange_strong_explicit(
				    &me->state, &s, PARK_PARKED, memory_order_relaxed,
				    memory_order_relaxed))
				continue;
			s = PARK_PARKED;
			failed = true;
		}
		/* Returns at once if the state moved on since we read s. */
		lock_futex_wait(&me->state, s);
	}
	lock_thread_stats.spins += spins;
	if (failed)
		lock_thread_stats.spin_fails++;
	return s;
}

/* End the wait of n's owner with state s; true if it sleeps, and then the
 * caller must wake it (park_wake()), at once or after work of its own (a
 * wake that reaches n after a spurious wake-up let its owner move on is
 * itself spurious, as above). */
static inline bool park_set_nowake(struct park_node *n, uint32_t s)
{
	/* RELEASE: publishes what the caller wrote before (for a grant, the
	 * critical section) to the waiter's ACQUIRE load of its state. */
	return atomic_exchange_explicit(&n->state, s, memory_order_release) == PARK_PARKED;
}

static inline void park_wake(struct park_node *n)
{
	lock_futex_wake(&n->state, 1);
}

/* End the wait of n's owner with state s, waking it if it sleeps. */
static inline void park_set(struct park_node *n, uint32_t s)
{
	if (park_set_nowake(n, s))
		park_wake(n);
}

/* Hand the lock to the waiter owning n (the caller holds it). */
static inline void park_grant(struct park_node *n)
{
	park_set(n, PARK_GRANTED);
}

/* Join the MCS queue at *tail with me and, behind a predecessor, wait
 * (park_wait(), *budget relax hints: read only then, so that the
 * uncontended join loads nothing more) until the lock (mcs-park) or the headship (malthusian) is
 * handed to us; the predecessor, NULL when the queue was empty (then
 * nothing was waited for). The caller set everything of me but next and
 * state. The queue's orders: locks/mcsqueue.h. */
static inline struct park_node *park_join(_Atomic(struct park_node *) *tail,
					  struct park_node *me, const unsigned *budget,
					  const _Atomic int *holder_cpu, int cpu)
{
	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->state, PARK_WAIT, memory_order_relaxed);
	struct park_node *pred = MCSQ_JOIN(tail, me);
	if (pred != NULL) {
		MCSQ_LINK(pred, me);
		/* A predecessor that sleeps must be woken, run and release
		 * before our turn: a wake-up latency at least, longer than
		 * the budget is worth spinning. Sleep at once. Relaxed: a
		 * hint (the node may be reused by now). */
		unsigned b = atomic_load_explicit(&pred->state, memory_order_relaxed) ==
					     PARK_PARKED
				     ? 0
				     : *budget;
		(void)park_wait(me, b, holder_cpu, cpu);
	}
	return pred;
}

/* The releaser found tail != itself: a successor swapped tail but has not
 * linked itself yet. Wait for the link, yielding the CPU after a few
 * spins so that a preempted successor can run. */
static inline struct park_node *park_wait_next(struct park_node *me)
{
	struct park_node *next;
	uint64_t spins = 0;

	/* MCSQ_NEXT(): its node's fields are initialised when we use it. */
	while ((next = MCSQ_NEXT(me)) == NULL) {
		if (++spins % PARK_LINK_SPINS == 0)
			sched_yield();
		else
			lock_cpu_relax();
	}
	lock_thread_stats.spins += spins;
	return next;
}

#endif
