/*
 * malthusian.pml - a Promela model of locks/malthusian.c's park/wake
 * protocol for the spin model checker (tests/locks/protocol_models.sh runs
 * it): N threads, ROUNDS acquisitions each. Checked: at most one holder
 * (the assertion) and no thread left asleep once the others are done (an
 * invalid end state: a head asleep on a free lock).
 *
 * Sleeping is abstracted as a blocking wait for the node's state to leave
 * PARKED (the futex: a wake-up is the state change, spurious wake-ups are
 * re-reads). The spin budget and MAL_HEAD_CONFIRM are a nondeterministic
 * choice to stop spinning; the bypass limit is a nondeterministic choice
 * of each release while a head exists to hand the lock to it, which
 * includes a grant to a sleeping head. Each statement is one atomic step,
 * as the C11 atomics are (sequentially consistent: the model checks the
 * protocol; the weakly ordered variant of defect 1 is not in it).
 *
 * Model line                       C (locks/malthusian.c)
 *   cas(word, FREE, LOCKED)          malthusian_cas_free()
 *   the queue: tail exchange,        malthusian_lock(): join, head at once
 *     head = me or next[pred] = me     when first, else wait for HEAD/GRANTED
 *   head_wait                        malthusian_head_wait(): take the free
 *                                      word, be handed the lock, or PARKED,
 *                                      mark, sleep
 *   leave_queue                      malthusian_leave_queue() (no pick: the
 *                                      CPU hint changes no state here)
 *   unlock: grant at the limit,      malthusian_unlock()
 *     CAS to FREE, else take the
 *     mark off, read head, wake it
 *
 * -DOLD_UNLOCK: the release before issue 22 (read head, then store LOCKED
 * over the mark, a step apart): spin must find the head left asleep on a
 * free lock (defect 1), which shows the check can fail.
 */
#ifndef N
#define N 2
#endif
#ifndef ROUNDS
#define ROUNDS 2
#endif
#define NIL 255

#define FREE 0
#define LOCKED 1
#define MARKED 3   /* LOCKED | MAL_HEAD_SLEEPS */

#define GRANTED 0
#define WAIT 1
#define PARKED 2
#define HEAD 3

byte word = FREE;
byte head = NIL;
byte tail = NIL;
byte state[N];
byte next[N];
byte holders = 0;

inline cas(var, old, new, ok)
{
	atomic {
		if
		:: var == old -> var = new; ok = 1
		:: else -> ok = 0
		fi
	}
}

/* We hold the lock and node h is the head: take it out of the queue and
 * promote the next one (waking it: the state change). */
inline leave_queue(h)
{
	nx = next[h];
	if
	:: nx == NIL ->
		head = NIL;
		cas(tail, h, NIL, ok);
		if
		:: ok -> goto left
		:: else -> next[h] != NIL; nx = next[h]
		fi
	:: else
	fi;
	head = nx;
	state[nx] = HEAD;
left:
	skip
}

proctype thread(byte me)
{
	byte rounds = 0, pred, nx, h, w, ok;

	do
	:: rounds == ROUNDS -> break
	:: rounds < ROUNDS ->
		/* lock() */
		cas(word, FREE, LOCKED, ok);
		if
		:: ok -> goto critical
		:: else
		fi;
		next[me] = NIL;
		state[me] = WAIT;
		atomic { pred = tail; tail = me };
		if
		:: pred == NIL -> state[me] = HEAD; head = me
		:: else ->
			next[pred] = me;
			/* park_wait(): spin or sleep until HEAD or GRANTED */
			(state[me] == HEAD || state[me] == GRANTED);
			if
			:: state[me] == GRANTED -> goto critical
			:: else
			fi
		fi;
head_wait:
		do
		:: state[me] == GRANTED -> goto critical
		:: word == FREE ->
			cas(word, FREE, LOCKED, ok);
			if
			:: ok -> leave_queue(me); goto critical
			:: else
			fi
		:: true -> /* out of budget */
			cas(state[me], HEAD, PARKED, ok);
			if
			:: !ok -> goto critical /* handed the lock meanwhile */
			:: else
			fi;
			w = word;
			do
			:: w == FREE ->
				cas(word, FREE, LOCKED, ok);
				if
				:: ok -> leave_queue(me); goto critical
				:: else -> w = word
				fi
			:: w != FREE ->
				cas(word, w, MARKED, ok);
				if
				:: ok -> break
				:: else -> w = word
				fi
			od;
			/* asleep until woken to HEAD or handed the lock */
			state[me] != PARKED;
			if
			:: state[me] == GRANTED -> goto critical
			:: else -> goto head_wait
			fi
		od;
critical:
		holders++;
		assert(holders == 1);
		holders--;
		/* unlock() */
		h = head;
		if
		:: h != NIL -> /* the bypass limit, or not */
			if
			:: true -> leave_queue(h); state[h] = GRANTED; goto unlocked
			:: true
			fi
		:: else
		fi;
		do
		:: cas(word, LOCKED, FREE, ok);
		   if
		   :: ok -> break
		   :: else
		   fi;
#ifdef OLD_UNLOCK
		   h = head;
		   word = LOCKED;
#else
		   word = LOCKED;   /* the ACQUIRE exchange */
		   h = head;
#endif
		   if
		   :: h == NIL
		   :: else -> cas(state[h], PARKED, HEAD, ok)
		   fi
		od;
unlocked:
		rounds++
	od
}

init
{
	byte i;
	atomic {
		for (i : 0 .. N - 1) {
			next[i] = NIL;
			state[i] = WAIT;
			run thread(i)
		}
	}
}
