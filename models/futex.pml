/*
 * futex.pml - the `futex` mutex of locks/futex.c (Drepper's mutex #3) with
 * N = 3 threads, each taking the lock ITER = 2 times, checked exhaustively
 * by tests/locks/models.sh:
 *   - mutual exclusion: the assert in the critical section;
 *   - no lost wake-up: spin's end-state check (pan -DSAFETY). A thread left
 *     asleep in futex_wait while every other thread has finished (so the
 *     lock is free) is a state where nothing can move and not everybody is
 *     at its end: an "invalid end state" error.
 * Built with -DDROP_WAKE it is the negative model: unlock never wakes, and
 * spin must reject it (tests/locks/models.sh asserts that it does).
 *
 * The kernel side (futex_wait / futex_wake inlines below): FUTEX_WAIT
 * compares the word and queues the caller in one step, or returns at once
 * (EAGAIN); FUTEX_WAKE(1) takes any one queued thread off, or none if
 * there is none. No spurious wake-ups are modelled (they only add
 * re-checks, which the C code always does).
 *
 * States and the C lines they stand for (locks/futex.c):
 *   word 0/1/2                  FUTEX_FREE / FUTEX_HELD / FUTEX_CONTENDED
 *   fast CAS 0 -> 1             futex_trylock(): compare_exchange, in futex_lock()
 *   exchange 2, wait while 2    futex_lock_slow(): the while loop around
 *                               atomic_exchange(word, FUTEX_CONTENDED) and
 *                               lock_futex_wait(word, FUTEX_CONTENDED)
 *   exchange 0, wake if it was 2  futex_unlock()
 */
#define N 3
#define ITER 2

byte word = 0;
bool asleep[N];   /* queued in the kernel on the futex */
byte in_cs = 0;

inline futex_wait(expected)
{
	atomic {
		if
		:: word == expected -> asleep[_pid] = true
		:: else -> skip /* EAGAIN */
		fi
	}
	!asleep[_pid] /* blocks until a wake takes us off the queue */
}

inline futex_wake()
{
	atomic {
		if
		:: asleep[0] -> asleep[0] = false
		:: asleep[1] -> asleep[1] = false
		:: asleep[2] -> asleep[2] = false
		:: else -> skip
		fi
	}
}

active [N] proctype thread()
{
	byte old, iter = 0;

	do
	:: iter < ITER ->
		/* futex_lock(): the fast path */
		atomic {
			if
			:: word == 0 -> word = 1; old = 0
			:: else -> old = 1
			fi
		}
		if
		:: old == 0 -> skip
		:: else ->
			/* futex_lock_slow() */
			do
			:: atomic { old = word; word = 2 };
				if
				:: old == 0 -> break
				:: else -> futex_wait(2)
				fi
			od
		fi;

		in_cs++;
		assert(in_cs == 1);
		in_cs--;

		/* futex_unlock() */
		atomic { old = word; word = 0 };
#ifndef DROP_WAKE
		if
		:: old == 2 -> futex_wake()
		:: else -> skip
		fi;
#endif
		iter++
	:: else -> break
	od
}
