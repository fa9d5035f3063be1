#!/bin/sh
# placement.sh - the placement records of a results file (lock_placement,
# per_thread[].placement; results/SCHEMA.md) on this machine, in make check:
# each pinned thread is sampled on its planned CPU, its data and the lock
# on the node the file claims, and a run under the planted pinning bug of
# misplace.c (libmisplace) is seen running elsewhere. The same checks on
# emulated multi-node machines are make check-machines'.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v jq >/dev/null || tap_skip_all "no jq"
tmp=$(mktemp -d) || tap_bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
misplace=$top_builddir/tests/machines/.libs/libmisplace.so
[ -f "$misplace" ] || tap_bail "no $misplace (make check builds it)"

ncpus=$(nproc)
threads=2
[ "$ncpus" -lt 2 ] && threads=1
short="--locks mcs,futex --threads $threads --cs 100ns --duration 20ms --warmup 0
--repeat 1 --sample-every off -q"
# shellcheck disable=SC2086 # short is a word list
"$CONTEND" run $short -o "$tmp/r.json" > /dev/null 2> "$tmp/err" ||
	{ tap_diag_file "$tmp/err"; tap_bail "contend run failed"; }

# Every pinned thread's samples (null only for one that never ran in the
# window) are its planned CPU; the last two are always taken.
samples_on_plan='[.results[].per_thread[] | .cpu as $c | .placement.cpu_samples as $s
	| ($s | length) == 3 and $s[1] != null and $s[2] != null
	  and ([$s[] | select(. != null and . != $c)] | length) == 0] | all'
if jq -e "$samples_on_plan" "$tmp/r.json" > /dev/null; then
	tap_ok "every thread sampled only on its planned CPU (window start, during, stop)"
else
	tap_not_ok "a thread sampled off its planned CPU, or samples missing"
	jq -c '.results[].per_thread[] | [.cpu, .placement]' "$tmp/r.json" | sed 's/^/# /'
fi

# Nodes: known on Linux (move_pages answers on one node too), and the
# thread's data on its CPU's node.
if jq -e '[.results[] | (.lock_placement.node | type) == "number"
	   and (.lock_placement.policy | type) == "string"
	   and ([.per_thread[].placement | .data_node == .cpu_node and .cpu_node != null]
		| all)] | all' "$tmp/r.json" > /dev/null; then
	tap_ok "the lock's node and policy known, each thread's data on its CPU's node"
else
	tap_not_ok "lock_placement or per-thread nodes missing or off"
	jq -c '.results[] | [.lock_placement, [.per_thread[].placement]]' "$tmp/r.json" |
		sed 's/^/# /'
fi

# The claim: with one node, contend does not bind and says so; with more,
# --mem local binds to thread 0's CPU's node.
nodes=$(jq '.meta.numa.nodes' "$tmp/r.json")
if [ "$nodes" -eq 1 ]; then
	want='[.results[].lock_placement | .node_asked == null and .policy == "default"] | all'
else
	want='[.results[] | .lock_placement.node_asked == .per_thread[0].placement.cpu_node
	       and .lock_placement.node == .lock_placement.node_asked] | all'
fi
if jq -e "$want" "$tmp/r.json" > /dev/null; then
	tap_ok "lock placement as claimed on $nodes node(s)"
else
	tap_not_ok "lock placement not as claimed on $nodes node(s)"
	jq -c '.results[].lock_placement' "$tmp/r.json" | sed 's/^/# /'
fi

# Negative control: the planted pinning bug moves every thread one CPU on.
if [ "$ncpus" -lt 2 ]; then
	tap_skip "one CPU" "negative control: planted pinning bug"
else
	# shellcheck disable=SC2086
	MISPLACE=pin LD_PRELOAD=$misplace "$CONTEND" run $short -o "$tmp/bad.json" \
		> /dev/null 2> "$tmp/err"
	if jq -e "$samples_on_plan | not" "$tmp/bad.json" > /dev/null; then
		tap_ok "negative control: a run with the planted pinning bug is seen off its plan"
	else
		tap_not_ok "negative control: the planted pinning bug went unseen"
		tap_diag_file "$tmp/err"
	fi
fi
tap_done
