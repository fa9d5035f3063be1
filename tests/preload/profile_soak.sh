#!/bin/sh
# profile_soak.sh - the substitution soak (issue 22): tests/preload/
# preload_soak (trylock-heavy and timed-lock threads, a condition
# variable, threads that exit while others wait, TSD destructors that take
# the mutex) under `contend profile --lock NAME` for every lock that may
# stand in for a mutex. A watchdog: a run still going after SOAK_LIMIT
# seconds (a hang: the runs take well under a second) has every thread's
# stack dumped into the log (gdb), is killed, and fails its case. A hang is
# a failed test, never a limit to raise.
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
SOAK_LIMIT=${SOAK_LIMIT:-20}
ROUNDS=${SOAK_ROUNDS:-300}
command -v gdb >/dev/null 2>&1 || tap_skip_all "gdb is not installed (Debian package 'gdb'): no stacks for a hang"
work=$(mktemp -d "${TMPDIR:-/tmp}/contend-soak.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
locks=$("$CONTEND" list --json | jq -r '.[] | select(.trylock_may_block | not) | .name')
[ -n "$locks" ] || tap_bail "contend list shows no substitutable lock"

# soak LOCK ARG LIMIT: run preload_soak under --lock LOCK; returns 0 when
# it ended (its exit status in $rc), 1 when the watchdog stopped it after
# LIMIT seconds, with every thread's stack in $work/stacks.
soak() {
	rm -f "$work/pid" "$work/out" "$work/err" "$work/stacks"
	"$CONTEND" profile --lock "$1" -- "$T/preload_soak" "$work/pid" "$2" \
		>"$work/out" 2>"$work/err" &
	job=$!
	waited=0
	while kill -0 "$job" 2>/dev/null && [ "$waited" -lt $(($3 * 10)) ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$job" 2>/dev/null; then
		pid=$(cat "$work/pid" 2>/dev/null)
		if [ -n "$pid" ]; then
			timeout 60 gdb -p "$pid" -batch -nx -ex "thread apply all bt" 2>&1 |
				grep -E '^(Thread|#)' >"$work/stacks"
			kill -9 "$pid" 2>/dev/null
		fi
		kill -9 "$job" 2>/dev/null
		wait "$job" 2>/dev/null
		return 1
	fi
	wait "$job"
	rc=$?
	return 0
}

# The negative control: a program that deadlocks must be caught, with its
# stacks (the main thread's shows the second lock).
if soak tas deadlock 2; then
	tap_not_ok "watchdog negative control: the deadlocking program ended (exit $rc)"
elif grep -q "main" "$work/stacks"; then
	tap_ok "watchdog negative control: a deadlock is caught after 2 s, $(grep -c '^Thread' "$work/stacks") thread stack(s) dumped"
else
	tap_not_ok "watchdog negative control: caught, but no stack names main"
	sed 's/^/# /' "$work/stacks" | head -10
fi

for lock in $locks; do
	if ! soak "$lock" "$ROUNDS" "$SOAK_LIMIT"; then
		tap_diag "--lock $lock: still running after ${SOAK_LIMIT} s: every thread's stack"
		sed 's/^/# /' "$work/stacks"
		tap_not_ok "soak --lock $lock: hung (watchdog, ${SOAK_LIMIT} s)"
		continue
	fi
	out=$(cat "$work/out")
	case $rc:$out in
	"0:soak ok "*) tap_ok "soak --lock $lock: $out" ;;
	*)
		tap_not_ok "soak --lock $lock: exit $rc, output '$out'"
		sed 's/^/# /' "$work/err" | head -10
		;;
	esac
done
tap_done
