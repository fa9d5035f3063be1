/*
 * futex.c - futex mutexes: `futex` (never spins) and `futex-spin` (spins
 * optimistically before sleeping). One algorithm, the spin budget is the
 * parameter, as a waiting policy apart from the lock word.
 *
 * Lock word (32 bits, the futex):
 *   0  free
 *   1  held, no thread sleeps on it
 *   2  held, threads may sleep on it (unlock must wake one)
 * Unlock exchanges 0 in; if it took 2 out it wakes one sleeper. A waiter
 * sets 2 before it sleeps, so a 1 -> 0 unlock never needs a system call.
 * (Drepper, "Futexes Are Tricky", mutex #3.)
 *
 * futex-spin adds the middle path of the Linux kernel mutex: after the fast
 * CAS fails, a thread joins an optimistic-spin queue (OSQ, an MCS queue whose
 * waiters can leave it). Only the queue's head spins on the lock word,
 * looking at it with a gap that doubles up to FUTEX_SPIN_GAP_MAX relax hints
 * and taking it when it finds it free; the others spin on their own queue
 * node. Time spent in the queue and at its head counts against the spin
 * budget (lock_params.spin_budget relax hints); when it is spent the thread
 * leaves the queue and sleeps as `futex` does. The per-thread node is the
 * thread's OSQ node.
 *
 * Fairness: neither is fair. A running thread can take the lock (fast path,
 * or as the spinner) before a woken sleeper gets to run.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "futex.h"
#include "lock_define.h"

/* Relax hints a futex-spin waiter spends before it sleeps, when the caller
 * leaves lock_params.spin_budget at 0. A relax hint costs ~10-40 ns on
 * current x86 cores, so this spins up to a few tens of microseconds: about
 * the cost of a futex sleep plus wake-up on another CPU. */
#define FUTEX_SPIN_DEFAULT_BUDGET 1000u

/* Most relax hints the spinner waits between two looks at the lock word;
 * the gap doubles from 1 up to this while the lock stays held. Each look
 * pulls the word's line away from the holder, who then pays a transfer to
 * release and to take the lock again: with a look per relax hint, 2 pinned
 * threads with empty sections ran at 0.77-0.86x glibc's adaptive mutex,
 * which backs off exponentially between its looks (since glibc 2.35); with
 * the doubling gap, 2.0x it (`make bench`; 1.75-1.96x per placement regime
 * in a sweep of its own). Sections of 100 ns and 1 us measured the same
 * either way; 32 hints are ~0.3-1.3 us here. */
#define FUTEX_SPIN_GAP_MAX 32u

enum { FUTEX_FREE = 0, FUTEX_HELD = 1, FUTEX_CONTENDED = 2 };

/*
 * Optimistic spin queue. tail is NULL (nobody queued) or the last node.
 * A node's locked flag becomes 1 when its predecessor hands it the head.
 * Leaving the queue early (osq_lock() returning false) unlinks the node in
 * three steps so that the list stays connected:
 *   A. clear prev->next (only if it still points at us), so prev will not
 *      hand the head to a node that is leaving;
 *   B. find our successor, or, if we are the tail, make prev the tail again;
 *   C. link prev and the successor to each other.
 * The operations that take part in the unlinking are sequentially
 * consistent: correctness there depends on their total order.
 *
 * The queue guards no data: the lock word's own ACQUIRE CAS orders the
 * critical section, and two spinners at once would only cost time. So the
 * explicit orders below keep only the queue's own links and flags
 * consistent on a weakly ordered CPU (a node initialised before it is
 * linked, a hand-over seen after it). Weakening any of them to relaxed
 * survives check-mutants (locks/MUTANTS.md): TSan reports missing ordering
 * only through plain data, and the queue has none. Whether each is needed
 * is argued, not tested, here; none is weakened without a proof.
 */
struct osq_node {
	_Atomic(struct osq_node *) next;
	_Atomic(struct osq_node *) prev;
	_Atomic uint32_t locked;
};

struct osq {
	_Atomic(struct osq_node *) tail;
};

struct futex_lock {
	_Atomic uint32_t word;
	unsigned spin_budget; /* 0: never spin */
	/* The spinners' queue on a line of its own: joining and leaving it
	 * must not pull the lock word's line away from the owner, who needs
	 * it to release. */
	struct osq osq __attribute__((aligned(LOCK_CACHELINE)));
};

/* Step B (and the slow half of osq_unlock): wait until our successor has
 * linked itself and take it, or, if we are still the tail, swing tail back
 * to `prev` and return NULL. */
static struct osq_node *osq_wait_next(struct osq *q, struct osq_node *node,
				      struct osq_node *prev)
{
	for (;;) {
		struct osq_node *expected = node;
		if (atomic_load_explicit(&q->tail, memory_order_relaxed) == node &&
		    atomic_compare_exchange_strong(&q->tail, &expected, prev))
			return NULL;
		if (atomic_load_explicit(&node->next, memory_order_relaxed) != NULL) {
			struct osq_node *next = atomic_exchange(&node->next, NULL);
			if (next != NULL)
				return next;
		}
		lock_cpu_relax();
	}
}

/* Join the queue and wait to become its head, spending at most *budget_left
 * relax hints. Returns true at the head (osq_unlock() must follow), false
 * if the budget ran out and the node has left the queue. */
static bool osq_lock(struct osq *q, struct osq_node *node, unsigned *budget_left)
{
	struct osq_node *prev, *next;

	atomic_store_explicit(&node->locked, 0, memory_order_relaxed);
	atomic_store_explicit(&node->next, NULL, memory_order_relaxed);
	/* ACQ_REL: RELEASE publishes our node's fields to the successor that
	 * finds it in tail; ACQUIRE pairs with the RELEASE CAS in osq_unlock().
	 * (A queue-only order: survives check-mutants, see the note above.) */
	prev = atomic_exchange_explicit(&q->tail, node, memory_order_acq_rel);
	if (prev == NULL)
		return true;
	atomic_store_explicit(&node->prev, prev, memory_order_relaxed);
	/* RELEASE: pairs with the exchange of next in osq_unlock(), so the
	 * predecessor sees our node initialised before it hands over.
	 * (Queue-only: survives check-mutants.) */
	atomic_store_explicit(&prev->next, node, memory_order_release);

	/* ACQUIRE: pairs with the RELEASE store of locked in osq_unlock().
	 * (Queue-only: survives check-mutants.) */
	while (atomic_load_explicit(&node->locked, memory_order_acquire) == 0) {
		if (*budget_left == 0)
			goto unqueue;
		(*budget_left)--;
		lock_cpu_relax();
	}
	return true;

unqueue:
	/* Step A. */
	for (;;) {
		struct osq_node *expected = node;
		if (atomic_load_explicit(&prev->next, memory_order_relaxed) == node &&
		    atomic_compare_exchange_strong(&prev->next, &expected, NULL))
			break;
		/* The predecessor handed us the head after all. ACQUIRE: as
		 * the spin above (queue-only: survives check-mutants). */
		if (atomic_load_explicit(&node->locked, memory_order_acquire) != 0)
			return true;
		lock_cpu_relax();
		/* Our predecessor may itself have left and relinked us (its
		 * step C): follow the new prev. */
		prev = atomic_load(&node->prev);
	}
	/* Step B. */
	next = osq_wait_next(q, node, prev);
	if (next == NULL)
		return false;
	/* Step C. */
	atomic_store(&next->prev, prev);
	atomic_store(&prev->next, next);
	return false;
}

static void osq_unlock(struct osq *q, struct osq_node *node)
{
	struct osq_node *expected = node, *next;

	/* RELEASE: pairs with the ACQUIRE exchange of the next arrival that
	 * finds the queue empty. (Queue-only: survives check-mutants.) */
	if (atomic_compare_exchange_strong_explicit(&q->tail, &expected, NULL,
						    memory_order_release,
						    memory_order_relaxed))
		return;
	next = atomic_exchange(&node->next, NULL);
	if (next == NULL)
		next = osq_wait_next(q, node, NULL);
	if (next != NULL)
		/* RELEASE: pairs with the ACQUIRE spin on locked in osq_lock().
		 * (Queue-only: survives check-mutants.) */
		atomic_store_explicit(&next->locked, 1, memory_order_release);
}

static inline int futex_init(void *lk, const struct lock_params *p)
{
	struct futex_lock *l = lk;
	atomic_init(&l->word, FUTEX_FREE);
	atomic_init(&l->osq.tail, NULL);
	l->spin_budget = 0;
	return 0;
}

static inline int futex_spin_init(void *lk, const struct lock_params *p)
{
	struct futex_lock *l = lk;
	futex_init(lk, p);
	l->spin_budget = p && p->spin_budget ? p->spin_budget
					     : FUTEX_SPIN_DEFAULT_BUDGET;
	return 0;
}

static inline void futex_destroy(void *lk) { }

static inline bool futex_trylock(void *lk, void *node)
{
	struct futex_lock *l = lk;
	uint32_t expected = FUTEX_FREE;
	/* ACQUIRE: pairs with the RELEASE exchange in futex_unlock(). */
	return atomic_compare_exchange_strong_explicit(&l->word, &expected, FUTEX_HELD,
						       memory_order_acquire,
						       memory_order_relaxed);
}

/* The mid path: spin as the OSQ head while the lock stays held. Returns
 * true with the lock taken. */
static bool futex_spin_phase(struct futex_lock *l, struct osq_node *node)
{
	unsigned budget = l->spin_budget, start = budget;
	bool taken = false;

	if (osq_lock(&l->osq, node, &budget)) {
		unsigned gap = 1;
		while (budget > 0) {
			/* Relaxed: a hint; futex_trylock() orders the entry. */
			if (atomic_load_explicit(&l->word, memory_order_relaxed) == FUTEX_FREE &&
			    futex_trylock(l, node)) {
				taken = true;
				break;
			}
			for (unsigned i = 0; i < gap && budget > 0; i++) {
				lock_cpu_relax();
				budget--;
			}
			if (gap < FUTEX_SPIN_GAP_MAX)
				gap *= 2;
		}
		osq_unlock(&l->osq, node);
	}
	lock_thread_stats.spins += start - budget;
	if (!taken)
		lock_thread_stats.spin_fails++;
	return taken;
}

static inline void futex_lock_slow(struct futex_lock *l)
{
	/* ACQUIRE: pairs with the RELEASE exchange in futex_unlock(). Setting
	 * 2 even when the lock was free is what makes unlock wake the others:
	 * we cannot know whether someone still sleeps. */
	while (atomic_exchange_explicit(&l->word, FUTEX_CONTENDED,
					memory_order_acquire) != FUTEX_FREE)
		lock_futex_wait(&l->word, FUTEX_CONTENDED);
}

static inline void futex_lock(void *lk, void *node)
{
	struct futex_lock *l = lk;
	if (futex_trylock(lk, node))
		return;
	futex_lock_slow(l);
}

static inline void futex_spin_lock(void *lk, void *node)
{
	struct futex_lock *l = lk;
	if (futex_trylock(lk, node))
		return;
	if (futex_spin_phase(l, node))
		return;
	futex_lock_slow(l);
}

#define futex_spin_trylock futex_trylock
#define futex_spin_destroy futex_destroy

static inline void futex_unlock(void *lk, void *node)
{
	struct futex_lock *l = lk;
	/* RELEASE: publishes the critical section to the next acquirer's
	 * ACQUIRE CAS or exchange. */
	if (atomic_exchange_explicit(&l->word, FUTEX_FREE, memory_order_release) ==
	    FUTEX_CONTENDED)
		lock_futex_wake(&l->word, 1);
}

#define futex_spin_unlock futex_unlock

static int futex_describe(const void *lk, char *buf, size_t len)
{
	const struct futex_lock *l = lk;
	return snprintf(buf, len, "word=%u osq.tail=%p",
			(unsigned)atomic_load((_Atomic uint32_t *)&l->word),
			(void *)atomic_load((_Atomic(struct osq_node *) *)&l->osq.tail));
}

LOCK_DEFINE(futex, "futex", "futex mutex, 0/1/2 states, sleeps at once",
	    "Drepper, Futexes Are Tricky (mutex #3)", LOCK_FAMILY_SLEEP,
	    LOCK_MAY_SLEEP, sizeof(struct futex_lock), 0,
	    .describe = futex_describe);

LOCK_DEFINE(futex_spin, "futex-spin",
	    "futex mutex with optimistic spinning by one queued (OSQ) spinner",
	    "Linux kernel mutex fast/mid/slow path, OSQ", LOCK_FAMILY_HYBRID,
	    LOCK_MAY_SLEEP | LOCK_NEEDS_NODE, sizeof(struct futex_lock),
	    sizeof(struct osq_node), .describe = futex_describe);
