#!/bin/sh
# profile_locks.sh - substitution mode with every lock of the registry
# (`contend list`): condition variables, recursive mutexes beside normal ones,
# and contention must keep working, whatever the algorithm. Two threads per
# contended mutex: with more threads than the CPUs of a small machine, fair
# spinlocks hand the lock to preempted waiters and take seconds per run.
# preload_reinit: mutexes destroyed and initialised again at one address
# while queue nodes migrate (a CLH lock's inner node must not be reset).
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
locks=$("$CONTEND" list | awk 'NR > 1 { print $1 }')
[ -n "$locks" ] || tap_bail "contend list shows no lock"
# Locks whose trylock may wait for a holder must be refused (exit 2).
refused=$("$CONTEND" list --json | jq -r '.[] | select(.trylock_may_block) | .name')
for lock in $locks; do
	if printf '%s\n' "$refused" | grep -qx -- "$lock"; then
		"$CONTEND" profile --lock "$lock" -- true >/dev/null 2>&1
		rc=$?
		[ $rc -eq 2 ] || tap_fail "exit $rc, want 2"
		tap_case "--lock $lock (trylock may block) refused"
		continue
	fi
	for prog in "preload_condvar 1000 1 1|sum=500500" "preload_recursive|recursive ok" \
		    "preload_contend mixed 2000 2|total=20000" "preload_reinit 1000 4|count=4000"; do
		cmd=${prog%|*}
		want=${prog#*|}
		# shellcheck disable=SC2086
		out=$("$CONTEND" profile --lock "$lock" -- "$T"/$cmd 2>/dev/null)
		rc=$?
		if [ $rc -ne 0 ] || [ "$out" != "$want" ]; then
			tap_fail "--lock $lock $cmd: exit $rc, output '$out', wanted '$want'"
		fi
	done
	tap_case "--lock $lock: condvar, recursive, contend and reinit programs unchanged"
done
tap_done
