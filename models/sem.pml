/*
 * sem.pml - the `sem` counting semaphore of locks/sem.c used as a lock that
 * admits K holders (K = 1 by default; tests/locks/models.sh also runs -DK=2),
 * N = 3 threads, ITER = 2 acquisitions each. Checked for at most K holders
 * (the assert) and no lost wake-up (spin's end-state check). The futex is
 * the 32-bit half of the word that holds value: FUTEX_WAIT compares value
 * only, not the sleeper count.
 *
 * States and the C lines they stand for (locks/sem.c):
 *   value, sleepers            bits 0..31 and 32..63 of word
 *   trylock loop: CAS w -> w-1 futex_sem_trylock() (weak CAS: may fail
 *                              spuriously; a failed CAS reloads w)
 *   sleepers++ (fetch_add)     futex_sem_lock(), "Register as a sleeper"
 *   CAS w -> w - 1 - SLEEPER   futex_sem_lock(), "Take a permit and
 *                              deregister in one step"
 *   wait while value == 0      futex_sem_lock(), lock_futex_wait(half, 0),
 *                              then reload w
 *   value++ (fetch_add 1),     futex_sem_unlock(): one fetch_add returns the
 *   wake if sleepers > 0       old sleeper count; then the wake
 */
#define N 3
#define ITER 2
#ifndef K
#define K 1
#endif

byte value = K;
byte sleepers = 0;
bool asleep[N];
byte in_cs = 0;

inline futex_wait_value0()
{
	atomic {
		if
		:: value == 0 -> asleep[_pid] = true
		:: else -> skip
		fi
	}
	!asleep[_pid]
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
	byte v, s, iter = 0;
	bool got;

	do
	:: iter < ITER ->
		/* futex_sem_trylock() */
		got = false;
		v = value;
		do
		:: v > 0 ->
			atomic {
				if
				:: value == v -> value--; got = true
				:: true -> v = value
				fi
			}
			if
			:: got -> break
			:: else -> skip
			fi
		:: else -> break
		od;
		if
		:: got -> skip
		:: else ->
			atomic { sleepers++; v = value; s = sleepers };
			do
			:: v > 0 ->
				atomic {
					if
					:: value == v && sleepers == s ->
						value--; sleepers--; got = true
					:: true -> v = value; s = sleepers
					fi
				}
				if
				:: got -> break
				:: else -> skip
				fi
			:: else ->
				futex_wait_value0();
				atomic { v = value; s = sleepers }
			od
		fi;

		in_cs++;
		assert(in_cs <= K);
		in_cs--;

		atomic { s = sleepers; value++ };
		if
		:: s > 0 -> futex_wake()
		:: else -> skip
		fi;
		iter++
	:: else -> break
	od
}
