/*
 * malthusian.c - concurrency restriction: the lock circulates among a small
 * active set (the holder and one spinning waiter), the surplus waiters sleep
 * in a FIFO queue, and a bound on bypassing rotates everybody through.
 *
 * The idea is Dice's (Malthusian Locks, EuroSys 2017; Dice & Kogan, GCR,
 * Euro-Par 2019): when more threads wait than are needed to keep a lock busy,
 * park the surplus, so that the few active ones own the CPUs and the lock's
 * cache lines, and let the passive ones back in now and then for long-term
 * fairness. Our own construction: a lock word that the running threads may
 * take directly (so the thread that releases can take it again at cache
 * speed, as with glibc's mutex), in front of an MCS queue of waiters on
 * spin-then-park nodes (locks/park.h) in which only the first, the head,
 * competes for the word; everybody behind it spins a bounded time and sleeps.
 *
 * Lock word (32 bits):
 *   MAL_FREE    0  free
 *   MAL_LOCKED  1  held
 *   MAL_LOCKED | MAL_HEAD_SLEEPS (3)  held, and the head went to sleep: the
 *                  release wakes it (to compete again) before it frees the
 *                  word
 * Queue: tail = NULL (no waiter) or the last waiter's node; head = the first
 * waiter's node, or NULL. The holder does not need a node.
 * Node states (park.h): WAIT/PARKED behind the head, HEAD when promoted (the
 * head's own futex word while it sleeps is PARKED), GRANTED when the lock was
 * handed to it.
 *
 * Acquire: CAS FREE -> LOCKED, else join the queue (exchange on tail) and
 * wait to become head. The head spins on its own node, where a grant lands,
 * and looks at the word now and then: the gap between looks doubles (up to
 * MAL_HEAD_GAP relax hints) while the lock keeps changing hands, since each
 * look takes the word's line from the thread re-taking the lock, which then
 * pays a transfer to write it. It takes the word only if it finds it free on
 * two looks MAL_HEAD_CONFIRM relax hints apart: a look that falls between a
 * running holder's release and its next acquisition must not move the lock,
 * its data and the turn to the head's CPU. Its budget (lock_params.
 * spin_budget, 0 = PARK_DEFAULT_BUDGET, and at most MAL_HEAD_STALL_NS)
 * counts only while no release happens: a head that sees the lock change
 * hands keeps spinning, as its turn comes within one turn's bound (below).
 * Out of budget, it marks MAL_HEAD_SLEEPS and sleeps on its node until a
 * release wakes it or hands it the lock. A head on the holder's CPU yields
 * instead of spinning. A waiter behind a sleeping one sleeps at once. A head
 * that takes the free word leaves the queue and promotes the next head (a
 * FUTEX_WAKE if it slept), starting that head's turn.
 * Release: if a head waits and its turn is over (MAL_BYPASS_LIMIT releases
 * since it became head), take it out of the queue, promote the next head,
 * hand the lock to the old head directly (the word stays held), and only
 * then wake the new head if it sleeps: the lock's new holder does not wait
 * for that system call. Otherwise CAS LOCKED -> FREE, after waking the head
 * if it sleeps. That wake happens while the releaser still holds the lock,
 * so the head cannot have moved on (no ABA on its node); a running thread
 * that takes the word first only counts one more bypass.
 * Promotion picks the next head on another CPU than the new holder's when
 * the queue has one (malthusian_pick_next()): a head on the holder's CPU
 * cannot spin while the holder runs, so at its turn the old holder would
 * have to sleep before it could run, and the other CPU would idle meanwhile.
 * With 8 threads pinned 4 to each of 2 CPUs the queue's order otherwise
 * repeats in runs of one CPU, and 6 turn ends in 8 went that way (a trace):
 * one CPU idle 58-70% of the time; with the pick, 12%, and 3-4% more
 * acquisitions at 100 ns (results/README.md).
 *
 * Fairness: not FIFO, but bounded bypass, so the registry marks it fair.
 * Every release while a head exists counts one bypass of it (a holder-only
 * counter); the release that reaches MAL_BYPASS_LIMIT hands the lock to the
 * head, whether it runs or not. A promotion may move one waiter from behind
 * W to the front, but only when the new holder runs on the CPU of the
 * waiter first in line; the moved one runs elsewhere, so at the promotion
 * after it the first in line is taken as it is: of any two promotions in a
 * row, one shortens the line ahead of W. A waiter with k threads ahead of it
 * therefore becomes head within 2k + 1 promotions and gets the lock after at
 * most (2k + 2) * (MAL_BYPASS_LIMIT + 1) acquisitions by others. The share
 * of a thread evens out over many turns (Jain's index of a run), not within
 * one: over a turn the releasing thread takes the lock again and again,
 * which is where its speed comes from.
 *
 * Holder-only fields (bypass, and head when written by a holder) are ordered
 * from one holder to the next by the word's RELEASE/ACQUIRE or the grant's.
 * So are the next links of queued nodes other than the tail: only holders
 * read them (to promote) or move them (the pick); a waiter links itself into
 * the tail's next, which the pick never touches.
 * head is written by the holder, or by an arrival that found the queue empty
 * (after the holder's CAS of tail to NULL, which the arrival's exchange
 * reads), so it is atomic. trylock is the CAS FREE -> LOCKED: it never waits
 * behind the queue.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "lock_define.h"
#include "mcsqueue.h"
#include "park.h"
#include "schedpoint.h"

enum { MAL_FREE = 0, MAL_LOCKED = 1, MAL_HEAD_SLEEPS = 2 };

/* A turn: the head gets the lock after this many releases. Turns of
 * equal acquisitions share the lock evenly even when some of them lose CPU
 * time to other work (turns of equal time did not: on a loaded machine the
 * worst thread's share fell to 0.1-0.4 of an equal share). Each turn's end
 * costs ~9 us here (a hand-over to another CPU, a wake-up in the new
 * holder's path): a turn of 256 acquisitions of 100 ns lost a quarter of
 * the throughput to it, one of 2048 (~0.25 ms) loses 4%. Longer turns would
 * leave threads without a turn in a run of tens of milliseconds with 1 us
 * sections (2048 of those take ~2 ms). */
#define MAL_BYPASS_LIMIT 2048u

/* How many waiters malthusian_pick_next() looks at for one on another CPU
 * than the new holder's: as many as the CPUs it would skip over, and a few
 * more than a small machine has. */
#define MAL_PICK_SCAN 8u

/* Most relax hints the head spins on its own node between two looks at the
 * lock word (the gap doubles up to this while the lock changes hands): ~13
 * us at ~25 ns per relax hint, so that its looks cost the holder a line
 * transfer per ~100 acquisitions of 100 ns. */
#define MAL_HEAD_GAP 512u

/* Relax hints between the two looks that must both find the word free
 * before the head takes it (~3-5 us here): longer than a running holder's
 * gaps between a release and its next acquisition, the harness's own
 * included. With 8, heads at 8 threads and 1 us sections took the word in
 * such gaps at 94 of 402 turn starts, cutting those turns short, and Jain
 * fell to 0.95-0.97; with 128, 32 of 331 and 0.99. A holder that comes back
 * from a non-critical section within the window keeps the lock, as it
 * keeps it through the bypasses of a turn (cs 1 us, ncs 1 us: 479k
 * acquisitions/s against 327k with 8, where each take began a turn). */
#define MAL_HEAD_CONFIRM 128u

/* However few relax hints that is, the head also parks after this long
 * without a release: the cost of a futex sleep plus wake-up (Mutexee's
 * rule), in time, for machines (or sanitizers) where a look at the word
 * costs more than the relax hints between looks. */
#define MAL_HEAD_STALL_NS 20000

struct malthusian_lock {
	/* The word and what the holder touches on every acquisition or
	 * release share one line; the spinning head reads it. */
	_Atomic uint32_t word;
	_Atomic int holder_cpu; /* park_cpu() of the holder: a hint */
	_Atomic(const void *) holder_node; /* whose CPU holder_cpu is */
	/* Releases since the head came. Written only by the holder (load and
	 * store, no read-modify-write); the head reads it to see that the
	 * lock makes progress. */
	_Atomic unsigned bypass;
	unsigned spin_budget;
	_Atomic(struct park_node *) head;
	/* Arrivals swap tail: a line of its own. */
	_Atomic(struct park_node *) tail __attribute__((aligned(LOCK_CACHELINE)));
};

static inline int malthusian_init(void *lk, const struct lock_params *p)
{
	struct malthusian_lock *l = lk;
	atomic_init(&l->word, MAL_FREE);
	atomic_init(&l->holder_cpu, 0);
	atomic_init(&l->holder_node, NULL);
	atomic_init(&l->bypass, 0);
	l->spin_budget = park_budget(p);
	atomic_init(&l->head, NULL);
	atomic_init(&l->tail, NULL);
	return 0;
}

static inline void malthusian_destroy(void *lk) { }

/* Note where the holder (its node: who) runs, for park_wait() and the
 * head; cpu is park_cpu() or 0 to look it up. Relaxed: hints. Looked up and
 * stored only when the holder changes, so a thread that takes the lock again
 * and again neither writes the line for it nor pays for sched_getcpu(); a
 * thread that migrates while it keeps taking the lock leaves a stale CPU
 * until the lock changes hands. */
static inline void malthusian_note_holder(struct malthusian_lock *l, const void *who, int cpu)
{
	if (atomic_load_explicit(&l->holder_node, memory_order_relaxed) == who)
		return;
	atomic_store_explicit(&l->holder_node, who, memory_order_relaxed);
	if (cpu == 0)
		cpu = park_cpu();
	if (atomic_load_explicit(&l->holder_cpu, memory_order_relaxed) != cpu)
		atomic_store_explicit(&l->holder_cpu, cpu, memory_order_relaxed);
}

static inline bool malthusian_cas_free(struct malthusian_lock *l)
{
	uint32_t expected = MAL_FREE;
	/* ACQUIRE: pairs with the RELEASE CAS in malthusian_unlock(). */
	return atomic_compare_exchange_strong_explicit(&l->word, &expected, MAL_LOCKED,
						       memory_order_acquire,
						       memory_order_relaxed);
}

static inline bool malthusian_trylock(void *lk, void *node)
{
	struct malthusian_lock *l = lk;
	if (!malthusian_cas_free(l))
		return false;
	/* Relaxed: a hint, as in malthusian_lock(). */
	if (atomic_load_explicit(&l->head, memory_order_relaxed) != NULL)
		malthusian_note_holder(l, node, 0);
	return true;
}

/* Spin n relax hints on our own node (no traffic on the lock's lines);
 * true if the lock was handed to us meanwhile. */
static inline bool malthusian_spin_node(struct park_node *me, unsigned n, uint64_t *spins)
{
	for (unsigned i = 0; i < n; i++) {
		/* ACQUIRE: pairs with the RELEASE exchange of park_grant() in
		 * malthusian_unlock(): the lock was handed to us. */
		if (atomic_load_explicit(&me->state, memory_order_acquire) == PARK_GRANTED) {
			*spins += i;
			return true;
		}
		lock_cpu_relax();
	}
	*spins += n;
	return false;
}

/* As head: wait until we hold the lock, by taking the free word (false:
 * we are still in the queue) or by being handed the lock (true: the
 * releaser took us out of it). */
static bool malthusian_head_wait(struct malthusian_lock *l, struct park_node *me,
				 int cpu)
{
	uint64_t spins = 0;

spin:;
	unsigned stalled = 0, seen = ~0u, gap = 1;
	uint64_t since = park_now_ns();
	bool free_seen = false;

	for (;;) {
		/* Relaxed: a hint; malthusian_cas_free() orders the entry. */
		if (atomic_load_explicit(&l->word, memory_order_relaxed) == MAL_FREE) {
			/* Free now, but a running holder that takes the lock
			 * again at once (we looked between its release and its
			 * next acquisition) keeps it: taking it from under that
			 * thread would move the lock, its data and the turn to
			 * our CPU for nothing. So take it only if it is still
			 * free after MAL_HEAD_CONFIRM relax hints. */
			if (free_seen) {
				if (malthusian_cas_free(l))
					goto took;
				free_seen = false;
			} else {
				free_seen = true;
				if (malthusian_spin_node(me, MAL_HEAD_CONFIRM, &spins))
					goto handed;
				stalled += MAL_HEAD_CONFIRM;
				continue;
			}
		} else {
			free_seen = false;
		}
		/* The budget counts spins without progress: while releases
		 * keep coming, the lock is handed to us within
		 * MAL_BYPASS_LIMIT of them, so spinning pays. Relaxed: a
		 * hint. */
		unsigned b = atomic_load_explicit(&l->bypass, memory_order_relaxed);
		uint64_t now = park_now_ns();
		if (b != seen) {
			/* Progress: the holder keeps the lock busy, look at its
			 * line less often. */
			if (seen != ~0u && gap < MAL_HEAD_GAP)
				gap *= 2;
			seen = b;
			stalled = 0;
			since = now;
		}
		if (stalled >= l->spin_budget || now - since >= MAL_HEAD_STALL_NS)
			break;
		/* Relaxed: a hint, as in park_wait(). */
		if (cpu != 0 && atomic_load_explicit(&l->holder_cpu, memory_order_relaxed) == cpu) {
			sched_yield();
			stalled += PARK_YIELD_COST;
			spins++;
			/* ACQUIRE: as in malthusian_spin_node(). */
			if (atomic_load_explicit(&me->state, memory_order_acquire) == PARK_GRANTED)
				goto handed;
			continue;
		}
		/* Between looks at the word's line, spin on our own node: each
		 * look takes the line from a holder that keeps taking the lock
		 * again, which then pays a transfer to write it; the grant
		 * lands on our node. */
		if (malthusian_spin_node(me, gap, &spins))
			goto handed;
		stalled += gap;
	}
	lock_thread_stats.spin_fails++;

	/* Out of budget: sleep. First PARKED on our node. It fails only if
	 * the lock was handed to us meanwhile: ACQUIRE for that case, pairing
	 * with park_grant() as above (on success the state's modification
	 * order is all a granter needs; C11 wants the success order at least
	 * as strong as the failure order). Both survive check-mutants
	 * (locks/MUTANTS.md): the failure ACQUIRE is needed but its window
	 * (a grant between the spin loop's last look and this CAS) is a few
	 * instructions wide and the tests never hit it; the success ACQUIRE
	 * is stronger than needed, as said: it is there only for that C11
	 * rule. */
	uint32_t s = PARK_HEAD;
	if (!atomic_compare_exchange_strong_explicit(&me->state, &s, PARK_PARKED,
						     memory_order_acquire,
						     memory_order_acquire))
		goto handed;
	/* Then tell the releases: MAL_HEAD_SLEEPS, or take the word if it
	 * is free after all. */
	uint32_t w = atomic_load_explicit(&l->word, memory_order_relaxed);
	for (;;) {
		if (w == MAL_FREE) {
			/* No holder, so nobody hands to us or wakes us. */
			if (malthusian_cas_free(l))
				goto took;
			w = atomic_load_explicit(&l->word, memory_order_relaxed);
			continue;
		}
		/* RELEASE: pairs with the ACQUIRE exchange in
		 * malthusian_unlock() that takes our mark off and then reads
		 * head (= us; if we published it ourselves, that store is
		 * ordered before) and CASes our state from PARKED: this pair
		 * orders our PARKED before that CAS. Survives check-mutants
		 * (locks/MUTANTS.md): needed, since on a weakly ordered CPU the
		 * releaser's CAS could read our older PARK_HEAD, fail and free
		 * the word, leaving us asleep until a later holder's
		 * bypass-limit grant (for ever if nobody takes the lock again);
		 * the words are atomic, TSan reads their latest values and x86
		 * never shows older ones. */
		if (atomic_compare_exchange_weak_explicit(&l->word, &w,
							  MAL_LOCKED | MAL_HEAD_SLEEPS,
							  memory_order_release,
							  memory_order_relaxed))
			break;
	}
	LOCK_SCHED_POINT("malthusian.head.marked");
	/* Sleep until a release wakes us to compete again (HEAD) or hands
	 * us the lock (GRANTED). ACQUIRE: pairs with the RELEASE of
	 * park_grant() / park_set(). */
	while ((s = atomic_load_explicit(&me->state, memory_order_acquire)) == PARK_PARKED)
		lock_futex_wait(&me->state, PARK_PARKED);
	if (s == PARK_HEAD)
		goto spin;

handed:
	/* A MAL_HEAD_SLEEPS we set stays: the next head may have set it too
	 * since the releaser promoted it, so only a release clears it, when
	 * it wakes whoever is head then (malthusian_unlock()). */
	lock_thread_stats.spins += spins;
	return true;
took:
	lock_thread_stats.spins += spins;
	return false;
}

/* Of the waiters from next on, the one to promote when me leaves the queue:
 * next, unless it queued on me's CPU and a later waiter on another CPU
 * (not the tail) can be moved in front of it; that one is unlinked and
 * linked before next. We hold the lock; the links we read and write are
 * those of waiters that have a successor, which no arrival writes (an
 * arrival links itself into the tail's next), and which only holders read
 * (here, in malthusian_leave_queue() and park_wait_next()), so the lock
 * orders them: relaxed stores. The CPUs are hints (relaxed). */
static struct park_node *malthusian_pick_next(struct park_node *me, struct park_node *next)
{
	int cpu = atomic_load_explicit(&me->cpu, memory_order_relaxed);

	if (cpu == 0 || atomic_load_explicit(&next->cpu, memory_order_relaxed) != cpu)
		return next;
	struct park_node *prev = next;
	for (unsigned i = 0; i < MAL_PICK_SCAN; i++) {
		/* ACQUIRE (both): pair with the RELEASE store of pred->next
		 * in malthusian_lock() by the waiter that linked itself there,
		 * so its own stores (its cpu, next = NULL, state) are visible
		 * to us, and through our release of the lock to the holders
		 * that later follow the link we may store in its place (their
		 * loads read our relaxed store, not the waiter's). */
		struct park_node *x = atomic_load_explicit(&prev->next, memory_order_acquire);
		if (x == NULL)
			break;
		struct park_node *after = atomic_load_explicit(&x->next, memory_order_acquire);
		if (after == NULL)
			break; /* x is the tail: an arrival may be linking to it */
		if (atomic_load_explicit(&x->cpu, memory_order_relaxed) != cpu) {
			atomic_store_explicit(&prev->next, after, memory_order_relaxed);
			atomic_store_explicit(&x->next, next, memory_order_relaxed);
			return x;
		}
		prev = x;
	}
	return next;
}

/* We hold the lock and me is the head: take it out of the queue and
 * promote the next head. Returns that head if it sleeps: the caller wakes
 * it (park_wake()). */
static struct park_node *malthusian_leave_queue(struct malthusian_lock *l,
						struct park_node *me)
{
	/* MCSQ_NEXT() (locks/mcsqueue.h): pairs with our successor's link. */
	struct park_node *next = MCSQ_NEXT(me);

	/* Relaxed: holder-only, ordered between holders by the lock. */
	atomic_store_explicit(&l->bypass, 0, memory_order_relaxed);
	if (next == NULL) {
		struct park_node *expected = me;
		/* Relaxed: ordered before an arrival's store of head by the
		 * RELEASE CAS below and that arrival's ACQUIRE exchange. */
		atomic_store_explicit(&l->head, NULL, memory_order_relaxed);
		/* RELEASE: pairs with the ACQUIRE exchange of the next arrival,
		 * which finds the queue empty and makes itself head. Survives
		 * check-mutants (locks/MUTANTS.md): needed, since without it
		 * our head = NULL could land after that arrival's head = me,
		 * and a release that then finds MAL_HEAD_SLEEPS would read a
		 * NULL head and wake nobody; head is atomic, so TSan cannot see
		 * the stale order and x86 never produces it. (The critical
		 * section itself is published by the word, not the queue.) */
		if (atomic_compare_exchange_strong_explicit(
			    &l->tail, &expected, NULL, memory_order_release,
			    memory_order_relaxed))
			return NULL;
		next = park_wait_next(me);
	}
	next = malthusian_pick_next(me, next);
	/* RELEASE: a release that reads head (ACQUIRE) sees next's node as
	 * next initialised it (we read that through me->next). Survives
	 * check-mutants (locks/MUTANTS.md) and looks stronger than needed:
	 * we hold the lock here, and every reader that uses head as a node
	 * (malthusian_unlock()) holds it later, so the lock's own hand-over
	 * (the word's RELEASE/ACQUIRE CAS or park_grant()) already orders
	 * this store and next's initialisation before that read. (The
	 * ACQUIRE load of head in malthusian_unlock() is needed for the
	 * other store, by an arrival that does not hold the lock.) Kept
	 * pending a model check. */
	atomic_store_explicit(&l->head, next, memory_order_release);
	return park_set_nowake(next, PARK_HEAD) ? next : NULL;
}

static inline void malthusian_lock(void *lk, void *node)
{
	struct malthusian_lock *l = lk;
	struct park_node *me = node, *pred;
	int cpu;

	if (malthusian_cas_free(l)) {
		/* The holder's CPU is a hint for a spinning head: with no
		 * head, skip the look-up (relaxed: a hint too). */
		if (atomic_load_explicit(&l->head, memory_order_relaxed) != NULL)
			malthusian_note_holder(l, me, 0);
		return;
	}
	cpu = park_cpu();

	atomic_store_explicit(&me->cpu, cpu, memory_order_relaxed);
	/* Join the queue (park_join(), the queue's orders in
	 * locks/mcsqueue.h); behind a waiter, wait there until promoted head
	 * (or handed the lock). Behind a sleeping waiter our turn is a
	 * wake-up away at least: park_join() sleeps at once (as mcs-park).
	 * The ACQUIRE of the join also pairs with the RELEASE CAS of tail in
	 * malthusian_leave_queue(), so the old head's head = NULL comes
	 * before our head = me below. */
	pred = park_join(&l->tail, me, &l->spin_budget, &l->holder_cpu, cpu);
	if (pred == NULL) {
		/* First in the queue: head at once. Our state before head, so
		 * that a release that finds us there hands over on top of it. */
		atomic_store_explicit(&me->state, PARK_HEAD, memory_order_relaxed);
		/* RELEASE: pairs with the ACQUIRE loads of head in
		 * malthusian_unlock(). Survives check-mutants (locks/MUTANTS.md),
		 * as does the first of those loads: needed, since we do not
		 * hold the lock, and a release that grants to us without
		 * having seen our PARK_HEAD could have its GRANTED overwritten
		 * by that older store on a weakly ordered CPU (the lock then
		 * held by nobody); state and head are atomic, and TSan and x86
		 * read their latest values. */
		atomic_store_explicit(&l->head, me, memory_order_release);
	}
	bool handed = malthusian_head_wait(l, me, cpu);
	/* Where we run before we wake our successor: if it wakes on our CPU,
	 * it then finds us there and yields at once, instead of spinning
	 * while we, the holder, wait for the CPU. */
	malthusian_note_holder(l, me, cpu);
	if (!handed) {
		struct park_node *sleeper = malthusian_leave_queue(l, me);
		if (sleeper != NULL)
			park_wake(sleeper);
	}
}

static inline void malthusian_unlock(void *lk, void *node)
{
	struct malthusian_lock *l = lk;
	/* ACQUIRE: pairs with the RELEASE stores of head (survives
	 * check-mutants: see the store in malthusian_lock()). */
	struct park_node *h = atomic_load_explicit(&l->head, memory_order_acquire);
	uint32_t expected = MAL_LOCKED;

	if (h != NULL) {
		/* Relaxed: holder-only (the head only watches it change). */
		unsigned b = atomic_load_explicit(&l->bypass, memory_order_relaxed) + 1;
		if (b >= MAL_BYPASS_LIMIT) {
			/* Its turn: take it out of the queue and promote the
			 * next head for it, hand it the lock, and wake the new
			 * head (if it sleeps) only then, outside the new
			 * holder's critical section (park_set_nowake()). */
			struct park_node *sleeper = malthusian_leave_queue(l, h);
			park_grant(h);
			if (sleeper != NULL)
				park_wake(sleeper);
			return;
		}
		atomic_store_explicit(&l->bypass, b, memory_order_relaxed);
	}
	for (;;) {
		/* RELEASE: publishes the critical section to the next ACQUIRE
		 * CAS of the word. Relaxed on failure: the exchange below
		 * acquires. */
		if (atomic_compare_exchange_strong_explicit(&l->word, &expected, MAL_FREE,
							    memory_order_release,
							    memory_order_relaxed))
			return;
		/* A head marked MAL_HEAD_SLEEPS. Wake it to compete for the
		 * word again, while we still hold the lock: until we let go,
		 * nobody else can grant it the lock or let it take the word, so
		 * its state is PARKED or (woken early, or promoted awake) HEAD,
		 * and the CAS below cannot hit a node that has moved on.
		 * The mark may be stale (left by a head the bypass limit then
		 * granted the lock), so the head to wake is not "the one that
		 * marked" but whoever is head once the mark is off: take the
		 * mark off first, by a read-modify-write, and only then read
		 * head. ACQUIRE: pairs with the RELEASE CAS of the head that
		 * set the mark we take off (malthusian_head_wait()), so our
		 * load of head below reads that head's publication of itself
		 * or a later value. A head that marks after this exchange comes
		 * later in the word's modification order, so our CAS to FREE
		 * above fails once more and we come round; a head that marked
		 * before it is the one we read. (The old order, load head then
		 * a relaxed store of LOCKED, let a head that arrived in between
		 * lose its mark under our store: issue 22, defect 1,
		 * tests/locks/staged_malthusian.) Survives check-mutants
		 * (locks/MUTANTS.md): needed, since relaxed, on a weakly
		 * ordered CPU the load of head below could return a value from
		 * before the marking head published itself (NULL, or the head
		 * before it) and we would wake nobody, free the word and leave
		 * it asleep; the word and head are atomic, TSan reads their
		 * latest values and x86's exchange is a full barrier. Its
		 * atomicity is needed too: split into a load and a store
		 * (check-mutants' rmw operator), a head marking in between
		 * would lose its mark (defect 1 again); it survives for the
		 * same reasons, the window being a few instructions wide. */
		atomic_exchange_explicit(&l->word, MAL_LOCKED, memory_order_acquire);
		expected = MAL_LOCKED;
		/* ACQUIRE: pairs with the RELEASE stores of head, those of an
		 * arrival that made itself head without the lock among them
		 * (survives check-mutants, locks/MUTANTS.md, and may be
		 * stronger than needed; kept, as the exchange above is what
		 * the old argument for weakening it missed). */
		h = atomic_load_explicit(&l->head, memory_order_acquire);
		LOCK_SCHED_POINT("malthusian.unlock.head_read");
		if (h == NULL)
			continue;
		uint32_t parked = PARK_PARKED;
		/* RELEASE: pairs with the head's ACQUIRE load of its state.
		 * Survives check-mutants (locks/MUTANTS.md) and looks stronger
		 * than needed: a head woken to PARK_HEAD reads nothing of ours
		 * but the word, which it takes with its own ACQUIRE CAS from
		 * our RELEASE CAS to MAL_FREE; a stale MAL_HEAD_SLEEPS seen
		 * meanwhile only delays it. Kept pending a model check. A CAS
		 * where a load and a store would do (it survives check-mutants'
		 * rmw operator): nobody else writes a sleeping head's state
		 * while we hold the lock; the CAS states what we expect. */
		if (atomic_compare_exchange_strong_explicit(&h->state, &parked, PARK_HEAD,
							    memory_order_release,
							    memory_order_relaxed))
			park_wake(h);
	}
}

static int malthusian_describe(const void *lk, char *buf, size_t len)
{
	struct malthusian_lock *l = (struct malthusian_lock *)lk;
	return snprintf(buf, len, "word=%u head=%p tail=%p",
			(unsigned)atomic_load(&l->word), (void *)atomic_load(&l->head),
			(void *)atomic_load(&l->tail));
}

LOCK_DEFINE(malthusian, "malthusian",
	    "concurrency restriction: running threads share the lock word, surplus "
	    "waiters sleep in a FIFO queue, bounded bypass",
	    "Dice, Malthusian Locks (EuroSys 2017); Dice & Kogan, GCR (Euro-Par 2019)",
	    LOCK_FAMILY_HYBRID, LOCK_FAIR | LOCK_MAY_SLEEP | LOCK_NEEDS_NODE,
	    sizeof(struct malthusian_lock), sizeof(struct park_node),
	    .describe = malthusian_describe);
