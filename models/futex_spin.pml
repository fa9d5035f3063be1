/*
 * futex_spin.pml - `futex-spin` of locks/futex.c: the futex mutex of
 * futex.pml plus the queue-then-sleep middle path, N = 3 threads, ITER = 2
 * acquisitions each. Checked for mutual exclusion and no lost wake-up
 * (spin's end-state check), as futex.pml.
 *
 * The point of this model: the spinner takes the lock by CAS 0 -> 1
 * (FUTEX_HELD), even when sleepers exist, so the word can say "no sleepers"
 * while one sleeps. That sleeper was woken by the unlock that freed the word
 * (it was 2 then); it exchanges 2 in, finds 1, and sleeps again with the
 * word at 2, so the spinner's unlock wakes it. The model lets spin check
 * that reasoning in every interleaving.
 *
 * Abstracted: the optimistic-spin queue (OSQ) itself. Only its head spins
 * on the word, so the model has one spinner slot; joining it either
 * succeeds when the slot is free or gives up (budget spent while queued),
 * and the head tries the word BUDGET times (1: more tries only repeat
 * the same load-then-CAS step, and multiply the states). The OSQ's own
 * linking and unlinking (osq_lock/osq_unlock, steps A-C) are not modelled
 * here; tests/locks/validate, tests/locks/tsan_locks and tests/reliability/stress_signals exercise
 * them.
 *
 * States and the C lines they stand for (locks/futex.c):
 *   word 0/1/2                 FUTEX_FREE / FUTEX_HELD / FUTEX_CONTENDED
 *   fast CAS 0 -> 1            futex_spin_lock(): futex_trylock()
 *   spinner slot               futex_spin_phase(): osq_lock() ... osq_unlock()
 *   load 0, then CAS 0 -> 1    futex_spin_phase(): the while (budget > 0) loop
 *   exchange 2, wait while 2   futex_lock_slow()
 *   exchange 0, wake if 2      futex_unlock()
 */
#define N 3
#define ITER 2
#define BUDGET 1

byte word = 0;
byte spinner = 0;  /* 0: slot free, else 1 + the head's _pid */
bool asleep[N];
byte in_cs = 0;

inline futex_wait(expected)
{
	atomic {
		if
		:: word == expected -> asleep[_pid] = true
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
	byte old, tries, iter = 0;
	bool got;

	do
	:: iter < ITER ->
		atomic {
			if
			:: word == 0 -> word = 1; got = true
			:: else -> got = false
			fi
		}
		if
		:: got -> skip
		:: else ->
			/* futex_spin_phase() */
			if
			:: atomic { spinner == 0 -> spinner = 1 + _pid };
				tries = 0;
				do
				:: tries < BUDGET ->
					tries++;
					if
					:: word == 0 ->
						atomic {
							if
							:: word == 0 -> word = 1; got = true
							:: else -> skip
							fi
						}
						if
						:: got -> break
						:: else -> skip
						fi
					:: else -> skip
					fi
				:: else -> break
				od;
				spinner = 0
			:: skip /* budget spent while queued behind the head */
			fi;
			if
			:: got -> skip
			:: else ->
				do
				:: atomic { old = word; word = 2 };
					if
					:: old == 0 -> break
					:: else -> futex_wait(2)
					fi
				od
			fi
		fi;

		in_cs++;
		assert(in_cs == 1);
		in_cs--;

		atomic { old = word; word = 0 };
		if
		:: old == 2 -> futex_wake()
		:: else -> skip
		fi;
		iter++
	:: else -> break
	od
}
