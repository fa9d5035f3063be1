#!/bin/sh
# overhead.sh - what profile mode costs a lock-heavy program: wall time of
# tests/preload/preload_contend run plainly and under `contend profile`, side by
# side (alternating, ROUNDS times each, median), on an uncontended loop
# (each thread locks its own mutex) and on a contended one (THREADS threads
# on one mutex). Not part of `make check`: it takes a while and its figures
# depend on the machine. Results go in preload/README.md.
#
# Usage: preload/overhead.sh BUILDDIR [ROUNDS]
#   env: UNCONTENDED_ITERS (default 20000000), CONTENDED_ITERS (2000000),
#        THREADS (2), LOCKS (extra `--lock` runs, e.g. "mcs futex")
set -eu
B=${1:?usage: overhead.sh BUILDDIR [ROUNDS]}
ROUNDS=${2:-5}
U=${UNCONTENDED_ITERS:-20000000}
C=${CONTENDED_ITERS:-2000000}
THREADS=${THREADS:-2}
PROG="$B/tests/preload/preload_contend"
CONTEND="$B/contend"
[ -x "$PROG" ] || { echo "overhead.sh: build $PROG first (make check TESTS=)" >&2; exit 2; }

now() { date +%s%N; }
# wall_ns CMD...: wall time of one run in ns, output discarded
wall_ns() { t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); echo $((t1 - t0)); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() { # NAME ARGS...
	name=$1; shift
	plain="" prof=""
	extra=""
	for lock in ${LOCKS:-}; do eval "sub_$lock=''"; done
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		plain="$plain $(wall_ns "$PROG" "$@")"
		prof="$prof $(wall_ns "$CONTEND" profile -- "$PROG" "$@")"
		for lock in ${LOCKS:-}; do
			v=$(wall_ns "$CONTEND" profile --lock "$lock" -- "$PROG" "$@")
			eval "sub_$lock=\"\$sub_$lock $v\""
		done
		i=$((i + 1))
	done
	p=$(echo $plain | tr ' ' '\n' | median)
	q=$(echo $prof | tr ' ' '\n' | median)
	for lock in ${LOCKS:-}; do
		eval "v=\$sub_$lock"
		m=$(echo $v | tr ' ' '\n' | median)
		extra="$extra $(awk -v m="$m" -v p="$p" -v l="$lock" 'BEGIN { printf "  --lock %s %.3f s (%.2fx)", l, m / 1e9, m / p }')"
	done
	awk -v n="$name" -v p="$p" -v q="$q" -v e="$extra" 'BEGIN {
		printf "%-34s plain %.3f s  profiled %.3f s  ratio %.2fx%s\n", n, p / 1e9, q / 1e9, q / p, e }'
}

echo "median of $ROUNDS alternating runs each; $(nproc) CPUs; $(uname -r)"
measure "uncontended: 1 thread x $U" uncontended "$U" 1
measure "uncontended: $THREADS threads x $U/$THREADS" uncontended $((U / THREADS)) "$THREADS"
measure "contended: $THREADS threads x $C on 1 mutex" contended "$C" "$THREADS"
