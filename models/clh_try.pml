/*
 * clh_try.pml - a Promela model of locks/clh.c's trylock and its ways out
 * of the queue, for the spin model checker (tests/locks/protocol_models.sh
 * runs it): N threads, ROUNDS operations each, every one a lock() or a
 * trylock() (chosen nondeterministically), nodes migrating between threads
 * as in the C code and reused over the rounds. Checked: at most one holder
 * (the assertion), no deadlock (every thread ends: a lock() that waits for
 * ever on an abandoned node is an invalid end state), and, once every
 * thread is done, the lock is free for a trylock (the tail node released)
 * and every thread's node is back (its next lock() would not wait).
 *
 * locked[] holds 0 (released), 1 (held or waited for) or ADDR + k (the
 * owner abandoned the node; wait on node k instead). Each statement is one
 * atomic step, as the C11 atomics are (sequentially consistent: the
 * model checks the protocol, and the seq_cst pairs of clh_try_settle()
 * are what make the C code behave so).
 *
 * Model line                      C (locks/clh.c)
 *   lock: wait locked[mine] == 0,   clh_lock(): clh_reclaimed(), locked = 1,
 *     exchange, wait/skip pred        exchange, clh_wait()
 *   trylock: reclaimed?, last        clh_trylock(): the checks, locked = 1,
 *     released?, CAS tail              CAS of tail
 *   settle loop                      clh_try_settle()
 *   unlock: locked = 0, adopt pred   clh_unlock()
 *
 * -DOLD_TRYLOCK: the trylock before issue 22 (re-check pred, else put tail
 * back or abandon, with no second look): spin must find the abandoned node
 * left at the tail (defect 2), which shows the check can fail.
 */
#ifndef N
#define N 3
#endif
#ifndef ROUNDS
#define ROUNDS 2
#endif
#define NODES (N + 1)
#define DUMMY N
#define ADDR 10

byte locked[NODES];
byte tail = DUMMY;
byte holders = 0;
byte mine_of[N];

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
	byte mine = id, pred, last, gone, s, ok, rounds = 0;

	do
	:: rounds == ROUNDS -> break
	:: rounds < ROUNDS ->
		if
		:: true -> /* lock() */
			locked[mine] == 0;
			locked[mine] = 1;
			atomic { pred = tail; tail = mine };
			do
			:: locked[pred] == 0 -> break
			:: locked[pred] >= ADDR ->
				gone = pred; pred = locked[pred] - ADDR; locked[gone] = 0
			od;
			goto critical
		:: true -> /* trylock() */
			if
			:: locked[mine] != 0 -> goto done
			:: else
			fi;
			last = tail;
			if
			:: locked[last] != 0 -> goto done
			:: else
			fi;
			locked[mine] = 1;
			cas(tail, last, mine, ok);
			if
			:: !ok -> locked[mine] = 0; goto done
			:: else
			fi;
			pred = last;
#ifdef OLD_TRYLOCK
			if
			:: locked[pred] == 0 -> goto critical
			:: else
			fi;
			cas(tail, mine, pred, ok);
			if
			:: ok -> locked[mine] = 0
			:: else -> locked[mine] = ADDR + pred
			fi;
			goto done
#else
settle:
			s = locked[pred];
			if
			:: s == 0 -> goto critical
			:: s >= ADDR -> gone = pred; pred = s - ADDR; locked[gone] = 0; goto settle
			:: else
			fi;
			cas(tail, mine, pred, ok);
			if
			:: !ok ->
				locked[mine] = ADDR + pred;
				if
				:: tail != mine -> goto done
				:: else
				fi;
				cas(tail, mine, pred, ok);
				if
				:: !ok -> goto done
				:: else
				fi
			:: else
			fi;
			s = locked[pred];
			if
			:: s >= ADDR ->
				locked[mine] = 1;
				cas(tail, pred, mine, ok);
				if
				:: ok -> goto settle
				:: else
				fi
			:: else
			fi;
			locked[mine] = 0;
			goto done
#endif
		fi;
critical:
		holders++;
		assert(holders == 1);
		holders--;
		/* unlock() */
		locked[mine] = 0;
		mine = pred;
done:
		rounds++
	od;
	mine_of[id] = mine
}

init
{
	byte i;
	atomic {
		for (i : 0 .. NODES - 1) {
			locked[i] = 0
		}
		for (i : 0 .. N - 1) {
			run thread(i)
		}
	}
	_nr_pr == 1;
	/* Everybody is done: the lock must be free for a trylock, and every
	 * thread's node back. */
	assert(locked[tail] == 0);
	for (i : 0 .. N - 1) {
		assert(locked[mine_of[i]] == 0)
	}
}
