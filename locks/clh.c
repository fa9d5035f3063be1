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
 * Node states (clh_qnode.locked): 0 released (at rest, or its owner left
 * the critical section), 1 its owner holds or waits for the lock, any other
 * value the address of a node to wait on instead: the owner abandoned a
 * trylock (below) and hands its successor its own predecessor.
 *
 * trylock never waits for a critical section. It succeeds only if the last
 * node in the queue is released and the CAS on tail still sees it. In a rare
 * race (that node was recycled and queued again by a new holder between the
 * check and the CAS: ABA) the CAS succeeds behind a holder; the re-check of
 * the predecessor finds it locked, and trylock leaves the queue: by a CAS of
 * tail back to the predecessor when nobody queued behind it yet, otherwise
 * by abandoning its node to the successor, which skips it and hands it back
 * (writes 0) when it moves on. Until then the abandoning thread's next
 * lock() waits (for the successor to run, not for a critical section) and
 * its next trylock() fails. Two trylocks leaving over the same node check
 * each other (clh_try_settle()), so an abandoned node is never left at the
 * tail without a successor. tests/locks/trylock_prompt builds the ABA case,
 * tests/locks/clh_abandon and tests/locks/staged_clh its leaving paths.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lock_define.h"
#include "schedpoint.h"

struct clh_qnode {
	_Atomic uintptr_t locked; /* 0, 1 or a node address: see above */
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
	uintptr_t s;

	/* ACQUIRE: pairs with the RELEASE store in clh_unlock() of pred's
	 * owner, or with the RELEASE store of an abandoning trylock. */
	while ((s = atomic_load_explicit(&pred->locked, memory_order_acquire)) != 0) {
		if (s != 1) {
			/* pred's owner left the queue: wait on the node it
			 * names, and hand pred back. Relaxed: the only thing
			 * we read of pred is this word, and its owner's next
			 * write to it (locked = 1) follows our 0 in the word's
			 * own modification order, so we cannot see it in
			 * place of the address. */
			struct clh_qnode *gone = pred;
			pred = (struct clh_qnode *)s;
			atomic_store_explicit(&gone->locked, 0, memory_order_relaxed);
			continue;
		}
		lock_cpu_relax();
		spins++;
	}
	if (spins)
		lock_thread_stats.spins += spins;
	t->pred = pred;
}

/* true when our node is free to queue with (0): not still abandoned to a
 * successor that has not skipped it yet. */
static inline bool clh_reclaimed(struct clh_thread *t)
{
	/* Relaxed: the successor's 0 (see clh_wait()) is all we need of it;
	 * no other data passes between it and us here. */
	return atomic_load_explicit(&t->mine->locked, memory_order_relaxed) == 0;
}

static inline void clh_lock(void *lk, void *node)
{
	struct clh_lock *l = lk;
	struct clh_thread *t = node;

	while (!clh_reclaimed(t))
		lock_cpu_relax();
	atomic_store_explicit(&t->mine->locked, 1, memory_order_relaxed);
	/* ACQ_REL: RELEASE publishes locked = 1 to the successor that finds
	 * our node in tail; ACQUIRE makes pred's node contents visible.
	 * Survives check-mutants (locks/MUTANTS.md): without it a successor on
	 * a weakly ordered CPU may read our node's old 0 and enter with us,
	 * but the word is atomic and TSan does not simulate stale reads, so no
	 * test on this machine can see it. */
	clh_wait(t, atomic_exchange_explicit(&l->tail, t->mine, memory_order_acq_rel));
}

/* trylock's CAS queued mine behind pred, which it had seen released. Take
 * the lock if pred is still released; skip pred if its owner abandoned it
 * (as clh_wait() does); otherwise leave the queue without waiting, and
 * return false.
 *
 * Leaving: CAS tail back from mine to pred when nobody queued behind us,
 * else abandon mine to the successor (locked = pred: it skips us and hands
 * mine back). Two trylocks can leave one after the other over the same
 * node (issue 22, defect 2, tests/locks/staged_clh): C abandons X because
 * B queued behind X, and B then puts X back at the tail, where nobody will
 * ever skip it; every trylock would then fail on a free lock and C's next
 * lock() wait for X for ever. So each side checks the other afterwards,
 * with seq_cst on the four operations (a store-buffering pair: C stores
 * the abandonment, then loads tail; B CASes tail back, then loads
 * X->locked; in the single total order at least one of the loads sees
 * the other's write):
 *   - B, having put pred back at the tail, reads pred->locked: if pred
 *     was abandoned, B queues behind it again (CAS pred -> mine) and skips
 *     it itself; if that CAS fails, a newer arrival is behind pred and will.
 *   - C, having abandoned mine, reads tail: if mine is the tail again, the
 *     successor left, so C takes mine out itself (CAS mine -> pred) and
 *     settles pred as B would. If that CAS fails, someone is behind mine
 *     again and skips it.
 * Every CAS on tail here names a node whose owner cannot requeue it in
 * between: mine is ours, and pred, queued and not released, is requeued
 * only after we (its successor) or a skipper handed it back. Each round of
 * the loop consumes one abandoned node or one CAS lost to a newer arrival,
 * so the loop ends; it never waits for a critical section.
 * The seq_cst orders after the first load survive check-mutants
 * (locks/MUTANTS.md): the four of the pair are needed (relaxed, a store
 * followed by a load may be reordered, on x86 too, and both sides miss the
 * other: the abandoned node at the tail again), but only two trylocks
 * leaving over one node reach them, which tsan_locks and validate do not
 * produce, and tests/locks/staged_clh separates those steps by its own
 * synchronisation; models/clh_try.pml checks the pair, sequentially
 * consistent. The failure orders of the three CASes and the success
 * orders of the two second-chance ones look stronger than needed: kept
 * seq_cst so that every access of this rare path is in the one total
 * order the argument uses. The three CASes of tail also survive
 * check-mutants' rmw operator (each split into a load and a store): their
 * atomicity is needed (a split one could overwrite an arrival's exchange
 * of tail and drop it from the queue), and the same rare path is all that
 * reaches them. */
static bool clh_try_settle(struct clh_lock *l, struct clh_thread *t, struct clh_qnode *pred)
{
	struct clh_qnode *mine = t->mine;

	for (;;) {
		/* SEQ_CST (an ACQUIRE at least): pairs with the RELEASE store
		 * in clh_unlock() of pred's owner, as in clh_wait(), and is one
		 * side of the pair described above. */
		uintptr_t s = atomic_load_explicit(&pred->locked, memory_order_seq_cst);
		if (s == 0) {
			t->pred = pred;
			return true;
		}
		if (s != 1) {
			/* Abandoned: skip it and hand it back, as clh_wait()
			 * (relaxed for the same reason). */
			struct clh_qnode *gone = pred;
			pred = (struct clh_qnode *)s;
			atomic_store_explicit(&gone->locked, 0, memory_order_relaxed);
			continue;
		}
		/* pred's owner holds or waits: leave. */
		struct clh_qnode *expect = mine;
		LOCK_SCHED_POINT("clh.try.undo");
		if (!atomic_compare_exchange_strong_explicit(&l->tail, &expect, pred,
							     memory_order_seq_cst,
							     memory_order_seq_cst)) {
			/* A successor spins on mine: send it to pred. SEQ_CST:
			 * a RELEASE at least, pairing with the ACQUIRE spin in
			 * the successor's clh_wait() (which must see pred's
			 * locked = 1 that our CAS acquired), and one side of the
			 * pair above. */
			atomic_store_explicit(&mine->locked, (uintptr_t)pred,
					      memory_order_seq_cst);
			expect = mine;
			if (atomic_load_explicit(&l->tail, memory_order_seq_cst) != mine ||
			    !atomic_compare_exchange_strong_explicit(&l->tail, &expect, pred,
								     memory_order_seq_cst,
								     memory_order_seq_cst))
				return false; /* someone is behind mine: it skips us */
			/* The successor left again and put mine back: we left
			 * by ourselves after all. */
		}
		/* Out of the queue; pred is the tail again. Abandoned by its
		 * owner meanwhile (its own leave failed while we were behind
		 * it)? Then nobody would skip it: queue behind it again and
		 * skip it ourselves. Relaxed store of 1: the CAS publishes it. */
		s = atomic_load_explicit(&pred->locked, memory_order_seq_cst);
		if (s != 0 && s != 1) {
			atomic_store_explicit(&mine->locked, 1, memory_order_relaxed);
			expect = pred;
			if (atomic_compare_exchange_strong_explicit(&l->tail, &expect, mine,
								    memory_order_seq_cst,
								    memory_order_seq_cst))
				continue;
		}
		/* Relaxed: nobody reads mine now (see clh_reclaimed()). */
		atomic_store_explicit(&mine->locked, 0, memory_order_relaxed);
		return false;
	}
}

static inline bool clh_trylock(void *lk, void *node)
{
	struct clh_lock *l = lk;
	struct clh_thread *t = node;
	struct clh_qnode *mine = t->mine;

	if (!clh_reclaimed(t))
		return false;
	/* Relaxed, both: they only decide whether to try; the CAS (which reads
	 * tail from last's enqueuer's release sequence) and the ACQUIRE
	 * re-check below order the entry. */
	struct clh_qnode *last = atomic_load_explicit(&l->tail, memory_order_relaxed);
	if (atomic_load_explicit(&last->locked, memory_order_relaxed) != 0)
		return false;
	atomic_store_explicit(&mine->locked, 1, memory_order_relaxed);
	LOCK_SCHED_POINT("clh.try.before_cas"); /* the ABA happens here */
	/* ACQ_REL on success: as the exchange in clh_lock() (and survives
	 * check-mutants for the same reason). */
	if (!atomic_compare_exchange_strong_explicit(&l->tail, &last, mine,
						     memory_order_acq_rel,
						     memory_order_relaxed)) {
		atomic_store_explicit(&mine->locked, 0, memory_order_relaxed);
		return false;
	}
	LOCK_SCHED_POINT("clh.try.queued"); /* a successor queues here */
	return clh_try_settle(l, t, last);
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
