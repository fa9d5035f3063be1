#!/bin/sh
# profile_order.sh - the lock-order graph of contend profile: the threads
# of tests/preload/preload_order take locks in an inconsistent order one
# after the other (the run itself never deadlocks); the profile must
# report the cycle (a -> b -> a; a -> b -> c -> a) with the stack of each
# edge, in the JSON, on stderr and on the --html page. Negative cases:
# a consistent order, and an inversion whose second lock is a trylock
# (which cannot block), report no cycle.
set -u
: "${CONTEND:?}" "${top_builddir:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
SRC="$top_srcdir/tests/preload/preload_order.c"
command -v jq >/dev/null 2>&1 || tap_skip_all "jq not installed"
d=$(mktemp -d "${TMPDIR:-/tmp}/profile-order.XXXXXX") || tap_bail "mktemp failed"
trap 'rm -rf "$d"' EXIT
fail() { tap_fail "$*"; }
expect() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }
nest_line=$(grep -n NEST_LINE "$SRC" | head -n 1 | cut -d: -f1)

run() { # run MODE: profile, JSON, stderr, page
	out=$("$CONTEND" profile -o "$d/$1.json" --html "$d/$1.html" -- "$T/preload_order" "$1" \
		2>"$d/$1.err")
	expect "$1: exit status" 0 $?
	expect "$1: stdout" "$1 done" "$out"
	symbols=$(jq -r .symbols "$d/$1.json")
}
q() { jq -r "$2" "$d/$1.json"; }

for mode in cycle three; do
	run $mode
	n=2 callers="take_ab take_ba"
	[ $mode = three ] && n=3 callers="take_ab take_bc take_ca"
	expect "$mode: cycles" 1 "$(q $mode '.lock_order.cycles | length')"
	expect "$mode: edges round the cycle" $n "$(q $mode '.lock_order.cycles[0].edges | length')"
	expect "$mode: mutexes in the cycle" $n "$(q $mode '.lock_order.cycles[0].mutexes | length')"
	# Each edge starts where the one before it ended, and the last
	# returns to the first mutex.
	expect "$mode: a closed chain" true "$(q $mode '.lock_order.cycles[0].edges as $e |
		[range(0; $e | length) | $e[.].to == $e[(. + 1) % ($e | length)].from] | all')"
	for i in $(seq 0 $((n - 1))); do
		[ "$(q $mode ".lock_order.cycles[0].edges[$i].frames | length")" -gt 0 ] ||
			fail "$mode: edge $i has no stack"
	done
	if [ "$symbols" = libdw ]; then
		expect "$mode: the callers of each edge" "$(echo $callers | tr ' ' '\n' | sort | tr '\n' ' ')" \
			"$(q $mode '.lock_order.cycles[0].edges[].frames[1].function' | sort | tr '\n' ' ')"
		expect "$mode: the second lock's line" "$nest_line" \
			"$(q $mode '[.lock_order.cycles[0].edges[].frames[0].line] | unique | .[]')"
		for c in $callers; do
			grep -q "< $c (preload_order.c:" "$d/$mode.err" || fail "$mode: $c not on stderr"
		done
	else
		tap_diag "contend built without libdw ($symbols): names not checked"
	fi
	grep -q "1 potential deadlock" "$d/$mode.err" || fail "$mode: stderr says no deadlock: $(cat "$d/$mode.err")"
	grep -q "Potential deadlocks: 1 lock-order cycle" "$d/$mode.html/index.html" ||
		fail "$mode: the page shows no cycle"
	tap_case "$mode: the lock-order cycle, with the stack of each edge"
done

for mode in ordered trylock; do
	run $mode
	# The graph saw the nesting (an edge a -> b), so an empty cycle list
	# is a finding, not a graph that was never built.
	expect "$mode: edges" 1 "$(q $mode .lock_order.edges)"
	expect "$mode: cycles" 0 "$(q $mode '.lock_order.cycles | length')"
	grep -q "potential deadlock" "$d/$mode.err" && fail "$mode: stderr reports a deadlock"
	grep -q "Potential deadlocks" "$d/$mode.html/index.html" && fail "$mode: the page shows a cycle"
	tap_case "$mode: no cycle reported"
done
tap_done
