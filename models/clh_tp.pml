/*
 * clh_tp.pml - a Promela model of locks/clh_tp.c for the spin model checker
 * (tests/locks/clh_tp_model.sh runs it): N threads, ROUNDS acquisitions each by
 * lock() or trylock() (chosen nondeterministically), two nodes per thread
 * (mine and the spare) plus the lock's dummy, nodes migrating as in the C
 * code and queued again over the rounds (ROUNDS >= 2). Checked: at most
 * one holder (the assertion) and no deadlock (every thread ends).
 *
 * Preemption inside trylock's claim: one trylock (at most) may stop for
 * ever right after its claim (an end state: a thread that is never
 * scheduled again); every other thread must still end (issue 22, defect 4).
 *
 * The heartbeat is abstracted away: any WAITING predecessor whose prev is
 * published may "look stale" at any moment, which covers every timing the
 * clock could produce. A thread removed MAX_SKIPS times publishes
 * never_stale (TP_NEVER_STALE) and is not removed again; this also bounds
 * the model. Each statement is one atomic step, as the C11 atomics are
 * (sequentially consistent here: the model checks the protocol, TSan and the
 * tests check the memory orders).
 *
 * Model line                      C (locks/clh_tp.c)
 *   cas(status[mine], RELEASED,     clh_tp_lock(): the CAS of our idle node,
 *       WAITING), else the spare      else clhtp_take_spare()
 *   enqueue: prev = NIL; exchange   clhtp_enqueue()
 *   status[pred] <= CLAIMED ->      clh_tp_lock() fast path (prev still NIL:
 *       status[mine] = HOLDING        no successor may remove us)
 *   prev[mine] = pred; the do loop  clhtp_wait(): publish prev, then spin
 *   :: own status REMOVED/FREE      the every-16-spins check of our status
 *   :: pred RELEASED or CLAIMED     taking the lock (WAITING -> HOLDING)
 *       -> CAS own
 *   :: pred WAITING, prev set ->    clhtp_remove(): BUSY, CAS pred WAITING ->
 *       remove                        REMOVED, read its prev, FREE, WAITING
 *   removed: wait FREE, re-enqueue  the removed path of clhtp_wait()
 *   trylock branch                  clh_tp_trylock(): claim, own HOLDING, CAS
 *                                     tail, give back on failure
 *   status[mine] = RELEASED;        clh_tp_unlock(): release, adopt pred
 *       mine = pred
 *
 * Deliberately broken variants, which the test requires spin to reject:
 *   -DBROKEN_FAST    the fast path publishes prev before taking the lock
 *                    with a plain store (a successor may remove us while we
 *                    enter: two holders)
 *   -DBROKEN_NOBUSY  a waiter removes its predecessor without first making
 *                    itself BUSY (its own successor may remove it meanwhile
 *                    and read a prev that is about to change: spin finds a
 *                    thread that waits forever)
 *   -DOLD_CLAIM      the protocol before issue 22: arrivals wait for a
 *                    claimed predecessor, owners for their claimed node
 *                    (spin finds a thread waiting for the preempted
 *                    claimer for ever)
 *   -DBROKEN_REVOKE  an owner takes its claimed node back (CLAIMED ->
 *                    WAITING) instead of queueing its spare: the claimer's
 *                    CAS of tail can then succeed on the requeued node (ABA;
 *                    spin finds two holders)
 */
#ifndef N
#define N 3
#endif
#ifndef ROUNDS
#define ROUNDS 2
#endif
#define MAX_SKIPS 1
#define NODES (2 * N + 1)
#define DUMMY (2 * N)
#define NIL 255

#define RELEASED 0
#define CLAIMED 1
#define WAITING 2
#define BUSY 3
#define HOLDING 4
#define REMOVED 5
#define FREE 6

byte status[NODES];
byte prev[NODES];
bool never_stale[NODES]; /* TP_NEVER_STALE published */
byte tail = DUMMY;  /* the dummy node, RELEASED */
byte holders = 0;
bool preempted = 0; /* a trylock stopped for ever inside its claim */

inline cas(var, old, new, ok)
{
	atomic {
		if
		:: var == old -> var = new; ok = 1
		:: else -> ok = 0
		fi
	}
}

proctype thread(byte id)
{
	byte mine = id, spare = N + id, pred, pp, last, ok, rounds = 0, skips = 0, tmp, i;

	do
	:: rounds == ROUNDS -> break
	:: rounds < ROUNDS ->
		if
		:: true -> /* lock() */
#if defined(OLD_CLAIM)
			do
			:: cas(status[mine], RELEASED, WAITING, ok);
			   if
			   :: ok -> break
			   :: else
			   fi
			od;
#elif defined(BROKEN_REVOKE)
			do
			:: cas(status[mine], RELEASED, WAITING, ok);
			   if
			   :: ok -> break
			   :: else -> cas(status[mine], CLAIMED, WAITING, ok);
				if
				:: ok -> break
				:: else
				fi
			   fi
			od;
#else
			cas(status[mine], RELEASED, WAITING, ok);
			do
			:: ok -> break
			:: else -> tmp = mine; mine = spare; spare = tmp;
				cas(status[mine], RELEASED, WAITING, ok)
			od;
#endif
enqueue:
			prev[mine] = NIL;
			never_stale[mine] = (skips >= MAX_SKIPS);
			atomic { pred = tail; tail = mine };
			if
#ifdef OLD_CLAIM
			:: status[pred] == RELEASED ->
#else
			:: status[pred] <= CLAIMED ->
#endif
#ifdef BROKEN_FAST
				prev[mine] = pred;
#endif
				status[mine] = HOLDING; goto critical
			:: else
			fi;
			prev[mine] = pred;
			do
			:: status[mine] == REMOVED || status[mine] == FREE -> goto removed
#ifdef OLD_CLAIM
			:: status[pred] == RELEASED ->
#else
			:: status[pred] <= CLAIMED ->
#endif
				cas(status[mine], WAITING, HOLDING, ok);
				if
				:: ok -> goto critical
				:: else -> goto removed
				fi
			:: status[pred] == WAITING && prev[pred] != NIL && !never_stale[pred] -> /* looks stale */
#ifndef BROKEN_NOBUSY
				cas(status[mine], WAITING, BUSY, ok);
				if
				:: !ok -> goto removed
				:: else
				fi;
#endif
				cas(status[pred], WAITING, REMOVED, ok);
				if
				:: ok -> pp = prev[pred]; status[pred] = FREE; prev[mine] = pp; pred = pp
				:: else
				fi;
#ifndef BROKEN_NOBUSY
				status[mine] = WAITING
#endif
			od;
removed:
			status[mine] == FREE;
			skips++;
			status[mine] = WAITING;
			goto enqueue
		:: true -> /* trylock() */
			last = tail;
			cas(status[last], RELEASED, CLAIMED, ok);
			if
			:: !ok -> goto done
			:: else
			fi;
			if
			:: !preempted -> preempted = 1; goto end_preempted
			:: true
			fi;
			cas(status[mine], RELEASED, HOLDING, ok);
#if !defined(OLD_CLAIM) && !defined(BROKEN_REVOKE)
			i = 0;
			do
			:: ok || i == 2 -> break
			:: else -> tmp = mine; mine = spare; spare = tmp;
				cas(status[mine], RELEASED, HOLDING, ok); i++
			od;
#endif
			if
			:: !ok -> status[last] = RELEASED; goto done
			:: else
			fi;
			prev[mine] = last;
			cas(tail, last, mine, ok);
			if
			:: ok -> status[last] = RELEASED; pred = last; goto critical
			:: else -> status[mine] = RELEASED; status[last] = RELEASED; goto done
			fi
		fi;
critical:
		holders++;
		assert(holders == 1);
		holders--;
		/* unlock() */
		status[mine] = RELEASED;
		mine = pred;
done:
		skips = 0;
		rounds++
	od;
	goto finished;
end_preempted:
	false;
finished:
	skip
}

init
{
	byte i;
	atomic {
		for (i : 0 .. NODES - 1) {
			status[i] = RELEASED;
			prev[i] = NIL
		}
		for (i : 0 .. N - 1) {
			run thread(i)
		}
	}
}
