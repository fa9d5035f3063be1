/*
 * qspinlock.c - the Linux queued spinlock design in user space: one 4-byte
 * word holding a locked byte, a pending bit and the tail of an MCS queue.
 * Our own implementation from the design described in the kernel's
 * kernel/locking/qspinlock.c comments (Waiman Long, Peter Zijlstra, 2014-15)
 * and in Long's "qspinlock: a 4-byte queue spinlock" posting.
 *
 * Lock word (32 bits):
 *   bits  0-7   locked byte: 1 while a thread holds the lock
 *   bit   8     pending: the first waiter spins on the word itself
 *   bits  9-15  always 0
 *   bits 16-31  tail: 0 = no queue, else 1 + the slot of the last queued
 *               thread (see "Tail encoding")
 * States as (tail, pending, locked):
 *   (0,0,0) free                       (0,0,1) held, nobody waits
 *   (0,1,1) held, one waiter spins on the word (the pending waiter)
 *   (0,1,0) the pending waiter is taking over (one atomic add to (0,0,1))
 *   (n,*,*) threads queued; the queue head spins on the word until pending
 *           and locked are both clear, the others on their own node.
 * Paths: the fast path CASes (0,0,0) -> (0,0,1). A thread that finds only a
 * holder sets pending and spins on the word: no node, one cache line. One
 * that finds (0,1,0) first waits a bounded number of loads for the pending
 * waiter to finish its take-over, then looks again. Anyone
 * finding a pending waiter or a queue appends a node to the MCS queue. The
 * head takes the lock with a CAS (n,0,0) -> (0,0,1) when it is the last in
 * the queue, or else by setting the locked byte and handing the headship to
 * its successor's node. A thread that set pending but finds a queue (or
 * another pending waiter) in the old value clears its bit again and queues;
 * a head whose CAS fails on that transient bit retries while it is still
 * the last in the queue.
 *
 * Fair: FIFO in the order of the atomic operation by which a thread starts
 * waiting (the pending bit is only taken when there is no queue and no other
 * pending waiter; the fast path and trylock only succeed on (0,0,0), which
 * means nobody waits; queued threads keep the order of the tail exchange).
 *
 * Tail encoding. The kernel puts a CPU number and a nesting index (task,
 * softirq, hardirq, NMI) into the tail and finds the node in a per-CPU
 * array. We have no per-CPU nodes; the caller passes its own node. A node is
 * only used while its thread waits in the queue (once the lock is taken the
 * node is free again), so a thread uses one node at a time, whatever lock:
 * the tail names a *thread slot*, and the slot holds a pointer to the node
 * its thread is queued with now (written before the tail exchange publishes
 * it). Slots come from a registry that grows in chunks of 1024 as threads
 * first reach the queue (no fixed thread limit below the 65535 the 16 tail
 * bits can name), and a thread's slot goes back to a free list when the
 * thread exits (pthread key destructor); the destructors that run after it
 * in the exiting thread (other libraries' TSD destructors may take a
 * substituted lock) wait without a slot, as below, since the slot may
 * already belong to a new thread. A slot is only read by the thread
 * that finds it in the tail it replaced, while its owner still waits for
 * that reader to link in behind it, so a slot is never reused under a
 * reader. If no slot can be had (65535 threads alive at once, or out of
 * memory), the thread spins for (0,0,0) like a test-and-set lock: correct,
 * not fair. Like the kernel without its nesting index, a signal handler must
 * not take a qspinlock while its thread waits in a queue (it would overwrite
 * the slot); no lock here is async-signal-safe. The registry's own tiny
 * spinlock is held for a few instructions at a thread's first queueing and
 * at its exit; a fork() in that instant would leave it held in the child.
 *
 * The word is only ever changed by read-modify-write operations, so every
 * later value heads or continues the release sequence of the last unlock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lock_define.h"
#include "schedpoint.h"

#define QS_LOCKED        0x1u
#define QS_LOCKED_MASK   0xffu
#define QS_PENDING       0x100u
#define QS_LOCKED_PENDING_MASK (QS_LOCKED_MASK | QS_PENDING)
#define QS_TAIL_SHIFT    16
#define QS_TAIL_MASK     0xffff0000u
#define QS_SLOTS_MAX     0xffffu /* slot numbers 1..65535 */
#define QS_CHUNK         1024u
#define QS_PENDING_LOOPS 64u    /* loads that wait out a (0,1,0) hand-over */

struct qs_node {
	_Atomic(struct qs_node *) next;
	_Atomic uint32_t head; /* 1 once the predecessor made us queue head */
};

struct qs_lock {
	_Atomic uint32_t val;
};

/*
 * The slot registry: slot s (1-based) lives in chunk (s - 1) / QS_CHUNK.
 */
struct qs_slot {
	_Atomic(struct qs_node *) node; /* the node its thread queues with now */
	uint32_t next_free;             /* free list link, under qs_registry_busy */
};

static _Atomic(struct qs_slot *) qs_chunks[(QS_SLOTS_MAX + QS_CHUNK - 1) / QS_CHUNK];
static atomic_flag qs_registry_busy = ATOMIC_FLAG_INIT; /* guards the two below */
static uint32_t qs_slots_made;  /* slots handed out so far, freed or not */
static uint32_t qs_free_head;   /* first free slot, 0 = none */
static pthread_once_t qs_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t qs_key;
static bool qs_key_ok;
/* 0 = none yet; QS_SLOT_GONE = returned at thread exit: wait unqueued */
#define QS_SLOT_GONE UINT32_MAX
static _Thread_local uint32_t qs_my_slot;

static inline struct qs_slot *qs_slot(uint32_t s)
{
	/* ACQUIRE: pairs with the RELEASE store that installed the chunk.
	 * Survives check-mutants (locks/MUTANTS.md), as does that store, and
	 * both look stronger than needed: a thread reaches a slot number
	 * either under qs_registry_lock() (whose acquire/release already
	 * orders the install) or from the tail bits of val, read by its
	 * ACQ_REL CAS from the slot owner's, which comes after the owner got
	 * its slot under the registry lock. Kept: no model checked that,
	 * and the load is in the slow path only. */
	struct qs_slot *chunk = atomic_load_explicit(&qs_chunks[(s - 1) / QS_CHUNK],
						     memory_order_acquire);
	return &chunk[(s - 1) % QS_CHUNK];
}

/* Registry bookkeeping runs once per thread: a tiny spinlock of its own
 * (a pthread mutex could be the preload library's own substitute). */
static void qs_registry_lock(void)
{
	while (atomic_flag_test_and_set_explicit(&qs_registry_busy, memory_order_acquire))
		lock_cpu_relax();
}

static void qs_registry_unlock(void)
{
	atomic_flag_clear_explicit(&qs_registry_busy, memory_order_release);
}

static void qs_slot_free(uint32_t s)
{
	qs_registry_lock();
	qs_slot(s)->next_free = qs_free_head;
	qs_free_head = s;
	qs_registry_unlock();
}

/* The thread-exit destructor: give the slot back, and never queue with it
 * again (issue 22, defect 3: a later destructor of this thread that took a
 * contended lock queued on a slot a new thread may own by then;
 * tests/locks/staged_qspinlock). */
static void qs_slot_put(void *value)
{
	qs_slot_free((uint32_t)(uintptr_t)value);
	qs_my_slot = QS_SLOT_GONE;
}

static void qs_key_create(void)
{
	qs_key_ok = pthread_key_create(&qs_key, qs_slot_put) == 0;
}

/* The calling thread's slot, taken from the registry on first use; 0 when
 * none can be had. */
static uint32_t qs_slot_get(void)
{
	uint32_t s;

	pthread_once(&qs_key_once, qs_key_create);
	if (!qs_key_ok)
		return 0;
	qs_registry_lock();
	s = qs_free_head;
	if (s != 0) {
		qs_free_head = qs_slot(s)->next_free;
	} else if (qs_slots_made < QS_SLOTS_MAX) {
		s = ++qs_slots_made;
		_Atomic(struct qs_slot *) *dir = &qs_chunks[(s - 1) / QS_CHUNK];
		if (atomic_load_explicit(dir, memory_order_relaxed) == NULL) {
			struct qs_slot *chunk = calloc(QS_CHUNK, sizeof(*chunk));
			if (chunk == NULL) {
				qs_slots_made--;
				s = 0;
			} else {
				/* RELEASE: pairs with the ACQUIRE load in
				 * qs_slot() of other threads (survives
				 * check-mutants: see there). */
				atomic_store_explicit(dir, chunk, memory_order_release);
			}
		}
	}
	qs_registry_unlock();
	if (s != 0 && pthread_setspecific(qs_key, (void *)(uintptr_t)s) != 0) {
		qs_slot_free(s);
		s = 0;
	}
	return qs_my_slot = s;
}

static inline int qspinlock_init(void *lk, const struct lock_params *p)
{
	atomic_init(&((struct qs_lock *)lk)->val, 0);
	return 0;
}

static inline void qspinlock_destroy(void *lk) { }

static inline bool qspinlock_trylock(void *lk, void *node)
{
	struct qs_lock *l = lk;
	uint32_t val = atomic_load_explicit(&l->val, memory_order_relaxed);

	if (val != 0)
		return false;
	/* ACQUIRE: pairs with the RELEASE fetch_sub in qspinlock_unlock(). */
	return atomic_compare_exchange_strong_explicit(&l->val, &val, QS_LOCKED,
						       memory_order_acquire,
						       memory_order_relaxed);
}

/* No slot: wait for a free word like a test-and-set lock. */
static void qs_lock_unqueued(struct qs_lock *l)
{
	uint64_t spins = 0;

	LOCK_SCHED_POINT("qspinlock.slow.joined");
	while (!qspinlock_trylock(l, NULL)) {
		lock_cpu_relax();
		spins++;
	}
	lock_thread_stats.spins += spins;
}

static __attribute__((noinline)) void qs_lock_slow(struct qs_lock *l, struct qs_node *me,
						    uint32_t val)
{
	uint64_t spins = 0;

	/* (0,1,0): the pending waiter saw the holder leave and is one add
	 * away from (0,0,1). Wait a bounded number of loads for that, then
	 * take the pending path below rather than the queue: at two threads
	 * the releaser comes straight back and, without this wait, found
	 * (0,1,0) on most hand-overs and queued, so the word saw a tail
	 * exchange and a head's CAS as well. Relaxed: a load that only
	 * chooses the path; the fetch_or below acquires. */
	for (unsigned n = 0; val == QS_PENDING && n < QS_PENDING_LOOPS; n++) {
		lock_cpu_relax();
		spins++;
		val = atomic_load_explicit(&l->val, memory_order_relaxed);
	}

	/* Pending path: only a holder, no queue and no pending waiter. */
	if ((val & ~QS_LOCKED_MASK) == 0) {
		/* ACQUIRE: when the old value shows the lock free, pairs with
		 * the RELEASE fetch_sub of the last unlock. */
		val = atomic_fetch_or_explicit(&l->val, QS_PENDING, memory_order_acquire);
		if ((val & ~QS_LOCKED_MASK) == 0) {
			/* ACQUIRE: pairs with the RELEASE fetch_sub in
			 * qspinlock_unlock() of the holder we wait for. */
			while (val & QS_LOCKED_MASK) {
				lock_cpu_relax();
				spins++;
				val = atomic_load_explicit(&l->val, memory_order_acquire);
			}
			/* (*,1,0) -> (*,0,1): only we may set locked while
			 * pending is ours; tail may change meanwhile, so add. */
			atomic_fetch_add_explicit(&l->val, QS_LOCKED - QS_PENDING,
						  memory_order_relaxed);
			lock_thread_stats.spins += spins;
			return;
		}
		/* A queue or another pending waiter: drop the bit we set.
		 * Atomic: others change the tail and locked meanwhile (a load
		 * and a store could undo their change). Survives check-mutants'
		 * rmw operator (locks/MUTANTS.md): the tests rarely set pending
		 * beside a queue, and never with a change in that window. */
		if (!(val & QS_PENDING))
			atomic_fetch_and_explicit(&l->val, ~QS_PENDING, memory_order_relaxed);
	}

	uint32_t slot = qs_my_slot;
	if (slot == 0)
		slot = qs_slot_get();
	if (slot == 0 || slot == QS_SLOT_GONE) {
		qs_lock_unqueued(l);
		return;
	}
	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->head, 0, memory_order_relaxed);
	atomic_store_explicit(&qs_slot(slot)->node, me, memory_order_relaxed);

	/* Exchange the tail, keeping pending and locked. ACQ_REL: RELEASE
	 * publishes our node's fields and our slot's pointer to the thread
	 * that finds our tail; ACQUIRE makes the predecessor's, published by
	 * its own exchange, visible to us. Survives check-mutants
	 * (locks/MUTANTS.md): needed, since without ACQUIRE we may read the
	 * predecessor slot's old node pointer and link into a node nobody
	 * waits on, and without RELEASE our head == 0 may land after the
	 * predecessor's 1 (we would spin for ever); all are atomic fields,
	 * so TSan sees no race and x86 never shows the stale values. */
	uint32_t tail = slot << QS_TAIL_SHIFT;
	val = atomic_load_explicit(&l->val, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&l->val, &val,
						      (val & ~QS_TAIL_MASK) | tail,
						      memory_order_acq_rel,
						      memory_order_relaxed))
		;
	LOCK_SCHED_POINT("qspinlock.slow.joined");

	struct qs_node *next = NULL;
	if (val & QS_TAIL_MASK) {
		struct qs_node *prev = atomic_load_explicit(
			&qs_slot(val >> QS_TAIL_SHIFT)->node, memory_order_relaxed);
		/* RELEASE: pairs with the ACQUIRE loads of next below in the
		 * predecessor, so it sees our head == 0 before writing 1.
		 * Survives check-mutants (locks/MUTANTS.md), as do those two
		 * loads (the one after our own wait and the one before the
		 * hand-over), and all three look stronger than needed: the
		 * predecessor writes our head only after its ACQUIRE load of
		 * val saw the tail change from its slot, which can only be our
		 * exchange above (RELEASE) or a later RMW in its release
		 * sequence, so our node's initialisation is already ordered
		 * before that write. Kept as in the MCS pattern, pending a model
		 * check; they cost nothing on x86. */
		atomic_store_explicit(&prev->next, me, memory_order_release);
		/* ACQUIRE: pairs with the RELEASE store of head below in the
		 * predecessor. Survives check-mutants (locks/MUTANTS.md), as
		 * does that store: needed, since they order the predecessor's
		 * fetch_or of QS_LOCKED before our ACQUIRE loads of val below;
		 * without them a weakly ordered CPU may show us a val from
		 * before that fetch_or (locked and pending clear, a successor's
		 * tail) and we would set locked beside the holder. TSan and x86
		 * always read val's latest value, so neither can show it. */
		while (atomic_load_explicit(&me->head, memory_order_acquire) == 0) {
			lock_cpu_relax();
			spins++;
		}
		/* ACQUIRE: as the wait for next further down (survives
		 * check-mutants: see the link store above). */
		next = atomic_load_explicit(&me->next, memory_order_acquire);
	}

	/* Queue head: wait until the holder and the pending waiter are gone.
	 * ACQUIRE: pairs with the RELEASE fetch_sub of the last unlock (the
	 * value read continues its release sequence). While we are the last
	 * in the queue, take the lock with (n,0,0) -> (0,0,1); a CAS that fails
	 * on a transient pending bit tries again (unlike the kernel, we do not
	 * count on that thread queueing behind us: without a slot it would
	 * not). Relaxed CAS: the load acquired. */
	for (;;) {
		while ((val = atomic_load_explicit(&l->val, memory_order_acquire)) &
		       QS_LOCKED_PENDING_MASK) {
			lock_cpu_relax();
			spins++;
		}
		if ((val & QS_TAIL_MASK) != tail)
			break; /* a successor exchanged the tail: it will link */
		if (atomic_compare_exchange_weak_explicit(&l->val, &val, QS_LOCKED,
							  memory_order_relaxed,
							  memory_order_relaxed)) {
			lock_thread_stats.spins += spins;
			return;
		}
	}
	/* Nobody but the head sets locked while the tail is set. */
	atomic_fetch_or_explicit(&l->val, QS_LOCKED, memory_order_relaxed);
	/* ACQUIRE: pairs with the RELEASE store of prev->next by our
	 * successor, so its head == 0 is older than our write of 1 (survives
	 * check-mutants; looks redundant with the ACQUIRE load of val that
	 * saw the tail change: see the link store). */
	while (next == NULL &&
	       (next = atomic_load_explicit(&me->next, memory_order_acquire)) == NULL) {
		lock_cpu_relax();
		spins++;
	}
	/* RELEASE: pairs with the successor's ACQUIRE wait on head, ordering
	 * our fetch_or of QS_LOCKED before its loads of val (survives
	 * check-mutants: see that wait). */
	atomic_store_explicit(&next->head, 1, memory_order_release);
	lock_thread_stats.spins += spins;
}

static inline void qspinlock_lock(void *lk, void *node)
{
	struct qs_lock *l = lk;
	uint32_t val = 0;

	/* ACQUIRE: pairs with the RELEASE fetch_sub in qspinlock_unlock(). */
	if (atomic_compare_exchange_strong_explicit(&l->val, &val, QS_LOCKED,
						    memory_order_acquire,
						    memory_order_relaxed))
		return;
	qs_lock_slow(l, node, val);
}

static inline void qspinlock_unlock(void *lk, void *node)
{
	struct qs_lock *l = lk;
	/* RELEASE: pairs with the ACQUIRE fast path, trylock, pending waiter
	 * and queue head. An RMW, not a byte store: C11 has no mixed-size
	 * atomics, and pending and tail change under us. */
	atomic_fetch_sub_explicit(&l->val, QS_LOCKED, memory_order_release);
}

static int qspinlock_describe(const void *lk, char *buf, size_t len)
{
	uint32_t v = atomic_load((_Atomic uint32_t *)&((const struct qs_lock *)lk)->val);
	return snprintf(buf, len, "word=0x%08x (tail slot %u, pending %u, locked %u)",
			(unsigned)v, (unsigned)(v >> QS_TAIL_SHIFT),
			(unsigned)!!(v & QS_PENDING), (unsigned)(v & QS_LOCKED_MASK));
}

LOCK_DEFINE(qspinlock, "qspinlock",
	    "Linux queued spinlock: 4-byte word, pending bit, MCS tail (FIFO)",
	    "Linux kernel qspinlock (Long & Zijlstra 2015); MCS 1991", LOCK_FAMILY_QUEUE,
	    LOCK_FAIR | LOCK_NEEDS_NODE, sizeof(struct qs_lock), sizeof(struct qs_node),
	    .describe = qspinlock_describe);
