/*
 * clh_tp.c - CLH-TP: a CLH queue lock whose waiters unlink predecessors that
 * look preempted (He, Scherer & Scott, "Preemption Adaptivity in
 * Time-Published Queue-Based Spin Locks", HiPC 2005). Our own
 * implementation from the paper's description, simplified: no timeouts
 * (our interface has no abortable acquisition). Clock and thresholds:
 * timepub.h.
 *
 * As in CLH (clh.c), tail points to the last node, each waiter spins on its
 * predecessor's node, and a releasing thread adopts its predecessor's node
 * for its next acquisition: nodes migrate between threads and locks, the
 * dummy inside the lock included, so the lock must not be initialised again
 * (nor freed) while any node that passed through it may still be in use
 * (preload/subst.c keeps a released lock as it is). In CLH-TP a node also carries prev (the node its
 * owner spins on) and a heartbeat, and a waiter whose predecessor is
 * WAITING with a stale heartbeat removes it: it claims the predecessor's
 * status (WAITING -> REMOVED), reads its prev, hands the node back to its
 * owner (FREE) and spins on the predecessor's predecessor instead. The
 * removed owner queues its node again at the tail. Node status:
 *   RELEASED  idle or released: the successor may take the lock
 *   CLAIMED   a trylock is checking this released tail node; for
 *             everybody but trylocks it is RELEASED (see trylock below)
 *   WAITING   queued; its successor may remove it
 *   BUSY      its owner is removing its own predecessor (it cannot be
 *             removed meanwhile, so prev is stable under the remover)
 *   HOLDING   its owner holds the lock
 *   REMOVED   its successor unlinked it and is reading its prev
 *   FREE      its successor is done with it: the owner queues it again
 * Taking the lock is a CAS of our own status WAITING -> HOLDING after
 * seeing the predecessor RELEASED; removal is a CAS WAITING -> REMOVED by
 * the successor. Exactly one wins, and if the successor won, it now spins
 * on the released node and takes the lock instead. Each node has at most
 * one successor, so only its owner and that successor (plus a trylock on a
 * released tail node) ever write its status. Waiters that saw no handoff
 * for TP_YIELD_TICKS call sched_yield() between spins (their heartbeat then
 * goes stale and they may be removed); the thread that takes the lock from
 * a queue refreshes the lock's progress stamp.
 *
 * Not fair in the registry's sense (neither FIFO nor bounded bypass), but
 * starvation-free: a removed waiter can be passed any number of times until
 * it runs again and re-queues, but after TP_MAX_SKIPS removals within one
 * acquisition it publishes TP_NEVER_STALE and keeps its FIFO place.
 *
 * A node's prev stays NULL from its enqueue until its owner starts to wait
 * (it publishes prev, with a fresh heartbeat, only on the slow path), and a
 * node with no prev is never removed: so the fast path, which finds its
 * predecessor already RELEASED, takes the lock with a plain store of
 * HOLDING and reads no clock.
 *
 * trylock: claims the tail node's status RELEASED -> CLAIMED, then CASes
 * tail from it to our node; the claim rules out the recycled-node race of
 * clh.c's trylock (a claimed node cannot be queued again, so a tail that
 * still equals it was the tail all along). A trylock can be preempted
 * between its claim and the give-back after a failed CAS, so the claim must
 * stop nobody but other trylocks (issue 22, defect 4,
 * tests/locks/staged_clh_tp):
 *   - an arrival that queues behind a claimed node takes the lock as if it
 *     were RELEASED: its exchange moved the tail past the node, so the
 *     claimer's CAS of tail from that node can no longer succeed. (Its
 *     ACQUIRE load reads the claim, an RMW in the release sequence of the
 *     last holder's RELEASE store, so it synchronises with that holder.)
 *   - a thread whose own idle node is claimed (it adopted the node after
 *     the claimer read it as the tail) queues its second node, the spare,
 *     instead; the claimed one becomes the spare, given back by the
 *     claimer before it is queued again. Each thread owns two nodes.
 * Preemption points that remain: a trylock preempted holding a claim on the
 * tail node makes other trylocks fail (the lock looks taken) until it runs
 * again; a thread whose two idle nodes are both claimed by preempted
 * trylocks waits in lock() (fails in trylock) until one of them runs; a
 * preempted holder stops everybody (as in every lock); a preempted waiter
 * is removed by its successor, as above. trylock never waits.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sched.h>
#include <stdio.h>

#include "lock_define.h"
#include "schedpoint.h"
#include "timepub.h"

enum {
	CLHTP_RELEASED = 0,
	CLHTP_CLAIMED,
	CLHTP_WAITING,
	CLHTP_BUSY,
	CLHTP_HOLDING,
	CLHTP_REMOVED,
	CLHTP_FREE,
};

struct clhtp_qnode {
	_Atomic uint32_t status;
	_Atomic uint64_t heartbeat;
	_Atomic(struct clhtp_qnode *) prev;
} __attribute__((aligned(LOCK_CACHELINE)));

/* The caller's per-thread node: the qnode it queues with next, the
 * predecessor it will adopt at unlock, and the qnode storage it brings. */
struct clhtp_thread {
	struct clhtp_qnode *mine;
	struct clhtp_qnode *pred;
	struct clhtp_qnode *spare; /* queued instead of mine while mine is claimed */
	struct clhtp_qnode storage;
	struct clhtp_qnode spare_storage;
};

struct clhtp_lock {
	_Atomic(struct clhtp_qnode *) tail;
	struct clhtp_qnode dummy; /* released node the first arrival spins on */
	/* Its own line pair: waiters poll it, takers rarely write it. */
	_Alignas(LOCK_PAD) _Atomic uint64_t progress;
};

static inline int clh_tp_init(void *lk, const struct lock_params *p)
{
	struct clhtp_lock *l = lk;
	atomic_init(&l->dummy.status, CLHTP_RELEASED);
	atomic_init(&l->dummy.heartbeat, 0);
	atomic_init(&l->dummy.prev, NULL);
	atomic_init(&l->tail, &l->dummy);
	atomic_init(&l->progress, 0);
	return 0;
}

static inline void clh_tp_destroy(void *lk) { }

static void clh_tp_thread_init(void *node)
{
	struct clhtp_thread *t = node;
	atomic_init(&t->storage.status, CLHTP_RELEASED);
	atomic_init(&t->storage.heartbeat, 0);
	atomic_init(&t->storage.prev, NULL);
	atomic_init(&t->spare_storage.status, CLHTP_RELEASED);
	atomic_init(&t->spare_storage.heartbeat, 0);
	atomic_init(&t->spare_storage.prev, NULL);
	t->mine = &t->storage;
	t->spare = &t->spare_storage;
	t->pred = NULL;
}

/* Our idle node is claimed by another thread's stale trylock (it was the
 * tail when that trylock read it): make the spare mine and CAS its status
 * RELEASED -> to; false when both are claimed. Relaxed: nothing to order,
 * only the owner queues its nodes (the claimer wrote nothing we read).
 * The CAS (as the owner's other CASes of its idle node in lock() and
 * trylock()) must be atomic against a stale trylock's claim of the same
 * node: split into a load and a store, our WAITING/HOLDING could overwrite
 * a claim whose give-back then overwrites us. All three survive
 * check-mutants' rmw operator (locks/MUTANTS.md): no test claims an idle
 * node inside that window (tests/locks/staged_clh_tp claims it before). */
static bool clhtp_take_spare(struct clhtp_thread *t, uint32_t to)
{
	for (int i = 0; i < 2; i++) {
		struct clhtp_qnode *claimed = t->mine;
		t->mine = t->spare;
		t->spare = claimed;
		uint32_t st = CLHTP_RELEASED;
		if (atomic_compare_exchange_strong_explicit(&t->mine->status, &st, to,
							    memory_order_relaxed,
							    memory_order_relaxed))
			return true;
	}
	return false;
}

/* Queue me (status already WAITING) and return its predecessor. prev stays
 * NULL until clhtp_wait() publishes it: until then no successor may remove
 * us, which lets the fast path take the lock with a plain store. */
static inline struct clhtp_qnode *clhtp_enqueue(struct clhtp_lock *l, struct clhtp_qnode *me)
{
	atomic_store_explicit(&me->prev, NULL, memory_order_relaxed);
	/* ACQ_REL: RELEASE publishes WAITING and prev == NULL to our
	 * successor; ACQUIRE makes the predecessor's fields, published by its
	 * own exchange, visible. Survives check-mutants (locks/MUTANTS.md):
	 * needed, but only atomic fields travel with it. Without RELEASE the
	 * successor's status load could still read the RELEASED our node
	 * carried from its last holder and take the lock beside us (two
	 * holders); without ACQUIRE we could read the predecessor's prev from
	 * its node's earlier use instead of its NULL, remove it while it takes
	 * the fast path (whose plain HOLDING store then overwrites REMOVED)
	 * and follow that old prev. x86's exchange is a full barrier and TSan
	 * reads atomics at their latest value, so neither shows it. */
	return atomic_exchange_explicit(&l->tail, me, memory_order_acq_rel);
}

/* Try to unlink pred, which looks preempted; returns the node to spin on
 * next, or NULL when we were removed ourselves. */
static struct clhtp_qnode *clhtp_remove(struct clhtp_qnode *me, struct clhtp_qnode *pred)
{
	uint32_t st = CLHTP_WAITING;

	/* Relaxed: BUSY only keeps our successor off us; a failure means we
	 * were removed, which the caller learns from our status. */
	if (!atomic_compare_exchange_strong_explicit(&me->status, &st, CLHTP_BUSY,
						     memory_order_relaxed, memory_order_relaxed))
		return NULL;
	st = CLHTP_WAITING;
	/* ACQUIRE: pairs with pred's RELEASE stores of prev (enqueue) and of
	 * WAITING (after a removal of its own), so its prev is current.
	 * Survives check-mutants (locks/MUTANTS.md): needed for the second
	 * case, which the caller's ACQUIRE load of prev does not cover: if
	 * pred removed its own predecessor X after that load, only this
	 * acquire makes the load below return the new pp rather than X. With
	 * X (already FREE, maybe queued again behind us) we would spin on the
	 * wrong node: a hang or two holders on a weakly ordered CPU. It needs
	 * two stale waiters in a row, and prev is atomic, so TSan cannot see
	 * a stale read of it; x86's CAS is a full barrier. */
	if (atomic_compare_exchange_strong_explicit(&pred->status, &st, CLHTP_REMOVED,
						    memory_order_acquire, memory_order_relaxed)) {
		struct clhtp_qnode *pp = atomic_load_explicit(&pred->prev, memory_order_relaxed);
		/* RELEASE: pairs with the owner's ACQUIRE wait for FREE, so our
		 * read of prev comes before its reuse of the node. Survives
		 * check-mutants (locks/MUTANTS.md): needed against load
		 * buffering, our relaxed read of prev above returning the NULL
		 * or new predecessor the owner stores when it queues again after
		 * FREE (we would then spin on NULL or on a node behind us). ARM
		 * may move a load after a later store; x86 never does, and TSan
		 * does not model reads of values stored later. */
		atomic_store_explicit(&pred->status, CLHTP_FREE, memory_order_release);
		atomic_store_explicit(&me->prev, pp, memory_order_relaxed);
		pred = pp;
	}
	/* RELEASE: pairs with the ACQUIRE removal CAS of our successor, so it
	 * reads the prev we just wrote. Survives check-mutants
	 * (locks/MUTANTS.md): needed, else a successor removing us could read
	 * our old prev, the node we just handed back FREE, and spin on it (see
	 * that CAS); prev is an atomic, so TSan never reads it stale, and on
	 * x86 our two stores are seen in order. */
	atomic_store_explicit(&me->status, CLHTP_WAITING, memory_order_release);
	return pred;
}

static __attribute__((noinline)) void clhtp_wait(struct clhtp_lock *l, struct clhtp_thread *t,
						  struct clhtp_qnode *pred)
{
	struct clhtp_qnode *me = t->mine;
	uint64_t spins = 0, since = tp_now();
	unsigned skips = 0;

	atomic_store_explicit(&me->heartbeat, since, memory_order_relaxed);
	/* RELEASE: pairs with the ACQUIRE load of prev in our successor's
	 * stale check, which then reads the heartbeat above. Survives
	 * check-mutants (locks/MUTANTS.md): the prev value itself reaches the
	 * successor without it (its exchange saw our NULL), so what it orders
	 * is the heartbeat; without it the successor could read the heartbeat
	 * our node carried from its earlier use (0 or an old time) and remove
	 * a waiter that is running. That breaks no exclusion (a removed owner
	 * queues again) but defeats the time publishing on a weakly ordered
	 * CPU; heartbeat is an atomic, so TSan never reads it stale, and x86
	 * keeps the two stores in order. */
	atomic_store_explicit(&me->prev, pred, memory_order_release);
	for (unsigned n = 1;; n++) {
		/* ACQUIRE: pairs with the RELEASE store of RELEASED in
		 * clh_tp_unlock() (or a failed trylock's restore). */
		uint32_t ps = atomic_load_explicit(&pred->status, memory_order_acquire);
		bool removed = false;

		if (n % TP_REFRESH_SPINS == 0) {
			/* Removed while pred never showed RELEASED to us?
			 * Relaxed: the removed path acquires on FREE. */
			uint32_t mine = atomic_load_explicit(&me->status, memory_order_relaxed);
			removed = mine == CLHTP_REMOVED || mine == CLHTP_FREE;
		}
		if (removed) {
			/* handled below */
		} else if (ps == CLHTP_RELEASED || ps == CLHTP_CLAIMED) {
			uint32_t st = CLHTP_WAITING;
			/* Relaxed: the load above acquired. */
			if (atomic_compare_exchange_strong_explicit(&me->status, &st, CLHTP_HOLDING,
								    memory_order_relaxed,
								    memory_order_relaxed)) {
				t->pred = pred;
				uint64_t now = tp_now();
				/* Relaxed: a yield hint for the waiters. */
				if (now - atomic_load_explicit(&l->progress, memory_order_relaxed) >
				    TP_YIELD_TICKS / 4)
					atomic_store_explicit(&l->progress, now, memory_order_relaxed);
				break;
			}
			removed = true;
		} else if (ps == CLHTP_WAITING && n % TP_REFRESH_SPINS == 0 &&
			   /* ACQUIRE: pairs with pred's RELEASE store of
			    * prev, so its heartbeat is at least as new.
			    * Survives check-mutants (locks/MUTANTS.md):
			    * needed only for the heartbeat (prev is re-read
			    * under the removal CAS), but then needed: a
			    * heartbeat load moved before this one may miss
			    * TP_NEVER_STALE and remove a waiter already
			    * skipped TP_MAX_SKIPS times, losing the
			    * starvation-freedom bound on a weakly ordered
			    * CPU. x86 keeps loads in order and TSan reads
			    * atomics at their latest value. */
			   atomic_load_explicit(&pred->prev, memory_order_acquire) != NULL &&
			   tp_stale(atomic_load_explicit(&pred->heartbeat, memory_order_relaxed),
				    tp_now())) {
			struct clhtp_qnode *next = clhtp_remove(me, pred);
			if (next == NULL)
				removed = true;
			else
				pred = next;
		}
		if (removed) {
			/* ACQUIRE: pairs with the RELEASE store of FREE in
			 * clhtp_remove() of our successor. Survives
			 * check-mutants (locks/MUTANTS.md): needed so that
			 * our stores below (WAITING, prev = NULL, the new
			 * prev) cannot reach the remover before its read of
			 * our prev: the other half of the load buffering
			 * described there. C11 does not order them by the
			 * loop's exit branch; x86 never reorders a load with
			 * a later store, and TSan does not model it. */
			while (atomic_load_explicit(&me->status, memory_order_acquire) != CLHTP_FREE) {
				lock_cpu_relax();
				spins++;
			}
			skips++;
			atomic_store_explicit(&me->status, CLHTP_WAITING, memory_order_relaxed);
			pred = clhtp_enqueue(l, me);
			atomic_store_explicit(&me->heartbeat,
					      skips >= TP_MAX_SKIPS ? TP_NEVER_STALE : tp_now(),
					      memory_order_relaxed);
			/* RELEASE: as before the loop, and here more than a
			 * heuristic: it publishes TP_NEVER_STALE once
			 * skips reaches TP_MAX_SKIPS. Survives check-mutants
			 * (locks/MUTANTS.md): without it our new successor
			 * could read the very heartbeat that got us removed
			 * and remove us again, past the bound (starvation on
			 * a weakly ordered CPU); heartbeat is atomic, so TSan
			 * never reads it stale, and x86 keeps stores in
			 * order. */
			atomic_store_explicit(&me->prev, pred, memory_order_release);
			continue;
		}
		lock_cpu_relax();
		spins++;
		if (n % TP_REFRESH_SPINS == 0)
			tp_waiter_tick(&me->heartbeat, &l->progress, skips, &since);
	}
	lock_thread_stats.spins += spins;
}

static inline void clh_tp_lock(void *lk, void *node)
{
	struct clhtp_lock *l = lk;
	struct clhtp_thread *t = node;
	struct clhtp_qnode *me = t->mine;
	uint32_t st = CLHTP_RELEASED;

	/* Our idle node may be claimed by another thread's stale trylock (it
	 * was a tail once): queue the spare instead (and wait only if both
	 * are claimed). Relaxed: nothing to order, only the owner queues it. */
	if (!atomic_compare_exchange_strong_explicit(&me->status, &st, CLHTP_WAITING,
						     memory_order_relaxed, memory_order_relaxed)) {
		while (!clhtp_take_spare(t, CLHTP_WAITING))
			lock_cpu_relax();
		me = t->mine;
	}
	struct clhtp_qnode *pred = clhtp_enqueue(l, me);
	/* Fast path: the predecessor already released (RELEASED, or CLAIMED
	 * by a trylock whose CAS of tail our exchange has made fail: see the
	 * header). ACQUIRE: as in clhtp_wait(). With our prev still NULL
	 * nobody can remove us, so HOLDING needs no CAS (for the successor it
	 * means "wait", as WAITING does). */
	if (atomic_load_explicit(&pred->status, memory_order_acquire) <= CLHTP_CLAIMED) {
		atomic_store_explicit(&me->status, CLHTP_HOLDING, memory_order_relaxed);
		t->pred = pred;
		return;
	}
	clhtp_wait(l, t, pred);
}

static inline bool clh_tp_trylock(void *lk, void *node)
{
	struct clhtp_lock *l = lk;
	struct clhtp_thread *t = node;
	struct clhtp_qnode *me = t->mine;
	struct clhtp_qnode *last = atomic_load_explicit(&l->tail, memory_order_relaxed);
	uint32_t st = CLHTP_RELEASED;

	LOCK_SCHED_POINT("clh_tp.try.tail_read");
	/* ACQUIRE: pairs with the RELEASE store of RELEASED by the last
	 * holder (or a restore below). */
	if (!atomic_compare_exchange_strong_explicit(&last->status, &st, CLHTP_CLAIMED,
						     memory_order_acquire, memory_order_relaxed))
		return false;
	LOCK_SCHED_POINT("clh_tp.try.claimed");
	st = CLHTP_RELEASED;
	if (!atomic_compare_exchange_strong_explicit(&me->status, &st, CLHTP_HOLDING,
						     memory_order_relaxed, memory_order_relaxed)) {
		if (!clhtp_take_spare(t, CLHTP_HOLDING))
			goto give_back;
		me = t->mine;
	}
	atomic_store_explicit(&me->prev, last, memory_order_relaxed);
	/* ACQ_REL on success: RELEASE publishes our node (HOLDING) to the
	 * next arrival. Survives check-mutants (locks/MUTANTS.md). RELEASE is
	 * needed: without it the next arrival's status load could read the
	 * RELEASED our node held before the CAS above and take the lock beside
	 * us (two holders); status is atomic, so TSan reads the HOLDING, and
	 * x86's CAS is a full barrier. ACQUIRE looks stronger than needed: the
	 * ACQUIRE claim of last already ordered the last critical section and
	 * last's fields (written before its owner's release) before us; kept
	 * until a C11 model checker confirms it. */
	if (atomic_compare_exchange_strong_explicit(&l->tail, &last, me, memory_order_acq_rel,
						    memory_order_relaxed)) {
		/* last is ours now (adopted at unlock); nobody else reads it. */
		atomic_store_explicit(&last->status, CLHTP_RELEASED, memory_order_relaxed);
		t->pred = last;
		return true;
	}
	/* Two accesses to our own node, which nobody reads between them:
	 * their order does not matter (check-mutants' move operator). */
	atomic_store_explicit(&me->status, CLHTP_RELEASED, memory_order_relaxed);
	last = atomic_load_explicit(&me->prev, memory_order_relaxed);
give_back:
	/* RELEASE: our acquiring claim saw the last holder's critical
	 * section; whoever takes the lock through this node must too.
	 * Survives check-mutants (locks/MUTANTS.md): needed, since a relaxed
	 * store ends the holder's release sequence (our claim was an RMW, this
	 * store is not), so a waiter that reads it would have no
	 * happens-before to that critical section (a data race in C11). TSan
	 * keeps the holder's release clock on the word across relaxed stores,
	 * so it cannot report it, and x86 stores are releases anyway. */
	atomic_store_explicit(&last->status, CLHTP_RELEASED, memory_order_release);
	return false;
}

static inline void clh_tp_unlock(void *lk, void *node)
{
	struct clhtp_thread *t = node;
	/* RELEASE: pairs with the ACQUIRE status loads of our successor. */
	atomic_store_explicit(&t->mine->status, CLHTP_RELEASED, memory_order_release);
	/* Our node now belongs to the successor; take the predecessor's. */
	t->mine = t->pred;
}

static int clh_tp_describe(const void *lk, char *buf, size_t len)
{
	struct clhtp_lock *l = (struct clhtp_lock *)lk;
	struct clhtp_qnode *tail = atomic_load(&l->tail);
	return snprintf(buf, len, "tail=%p tail.status=%u", (void *)tail,
			(unsigned)atomic_load(&tail->status));
}

LOCK_DEFINE(clh_tp, "clh-tp",
	    "time-published CLH: waiters unlink predecessors that look preempted (starvation-free, not FIFO)",
	    "He, Scherer & Scott, HiPC 2005", LOCK_FAMILY_QUEUE,
	    LOCK_NEEDS_NODE, sizeof(struct clhtp_lock),
	    sizeof(struct clhtp_thread), .thread_init = clh_tp_thread_init,
	    .describe = clh_tp_describe);
