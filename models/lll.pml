/*
 * lll.pml - the `lll` mutex of locks/lll.c (a lock bit and a count of
 * interested threads in one futex word) with N = 3 threads, ITER = 2
 * acquisitions each; checked by tests/locks/models.sh for mutual exclusion (the
 * assert) and for no lost wake-up (spin's end-state check: a thread asleep
 * for good once the others are done is an invalid end state). Kernel side
 * as in futex.pml: FUTEX_WAIT compares the whole word and queues at once.
 *
 * States and the C lines they stand for (locks/lll.c):
 *   locked, count               bit 31 (LLL_LOCKED) and bits 0..30 of word
 *   fast CAS 0 -> LOCKED        lll_lock(), first compare_exchange
 *   count++ (fetch_add 1)       lll_lock(), "Register interest"
 *   CAS v -> (v|LOCKED) - 1     lll_lock(), "Take the lock and drop our
 *                               interest": a weak CAS, so it may also fail
 *                               spuriously; a failed CAS reloads v
 *   wait while word == v        lll_lock(), lock_futex_wait(word, v), then
 *                               reload v
 *   clear LOCKED, wake if count lll_unlock(): fetch_sub and the wake
 *   trylock is not modelled: it is one CAS that never sleeps or wakes.
 */
#define N 3
#define ITER 2

bool locked = false;
byte count = 0;
bool asleep[N];
byte in_cs = 0;

inline futex_wait(el, ec)
{
	atomic {
		if
		:: locked == el && count == ec -> asleep[_pid] = true
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
	bool vl, got;
	byte vc, iter = 0;

	do
	:: iter < ITER ->
		atomic {
			if
			:: !locked && count == 0 -> locked = true; got = true
			:: else -> got = false
			fi
		}
		if
		:: got -> skip
		:: else ->
			atomic { count++; vl = locked; vc = count };
			do
			:: !vl ->
				atomic {
					if
					:: locked == vl && count == vc ->
						locked = true; count--; got = true
					:: true -> got = false; vl = locked; vc = count
					fi
				}
				if
				:: got -> break
				:: else -> skip
				fi
			:: vl ->
				futex_wait(vl, vc);
				atomic { vl = locked; vc = count }
			od
		fi;

		in_cs++;
		assert(in_cs == 1);
		in_cs--;

		atomic { vc = count; locked = false };
		if
		:: vc > 0 -> futex_wake()
		:: else -> skip
		fi;
		iter++
	:: else -> break
	od
}
