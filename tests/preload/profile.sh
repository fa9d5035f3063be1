#!/bin/sh
# profile.sh - `contend profile` on our own small programs (tests/preload_*.c):
# a static initializer used before the library's constructor, threads that
# exit, a program that exits holding a mutex, condition variables, fork and
# exec, recursive and error-checking mutexes, and one heavily contended
# mutex that the profile must rank first with its call site. Each case runs
# in profile mode and with locks substituted; the program's output and exit
# status must not change.
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
d=$(mktemp -d "${TMPDIR:-/tmp}/profile-test.XXXXXX") || tap_bail "mktemp failed"
trap 'rm -rf "$d"' EXIT

fail() { tap_fail "$*"; }
pass() { :; }
# expect WHAT EXPECTED ACTUAL
expect() { if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi; }
# has FILE REGEX WHAT
has() { if grep -q -- "$2" "$1"; then pass; else fail "$3 (no /$2/ in $1)"; tap_diag_file "$1"; fi; }
# field NAME LINE: the integer after the first "NAME": in a one-line JSON
# object (the mutex's own field: its wait sites come later on the line)
field() { printf '%s\n' "$2" | grep -o "\"$1\": [0-9]*" | head -n 1 | sed 's/.*: //'; }
# The JSON is valid if jq (optional) can parse it.
valid_json() { if command -v jq >/dev/null 2>&1; then jq -e . "$1" >/dev/null || fail "invalid JSON: $1"; fi; }

# -- usage errors exit 2 ----------------------------------------------------
for args in "" "--lock nosuch -- true" "--top 0 -- true" "--frames 17 -- true" \
	    "--bogus -- true" "--compare-locks mcs,nosuch -- true"; do
	# shellcheck disable=SC2086
	"$CONTEND" profile $args >/dev/null 2>"$d/usage.err"
	expect "contend profile $args: exit status" 2 $?
done
"$CONTEND" profile -- "$d/no-such-program" 2>/dev/null
expect "missing program: exit status" 127 $?

tap_case "usage errors exit 2"
# -- static initializer, preinit, exiting threads, held at exit -------------
plain=$("$T/preload_static" 3)
expect "preload_static plain exit status" 3 $?
for lock in glibc mcs futex; do
	out=$("$CONTEND" profile --lock $lock -o "$d/static-$lock.json" -- \
		"$T/preload_static" 3 2>"$d/static-$lock.err")
	expect "preload_static --lock $lock: exit status" 3 $?
	expect "preload_static --lock $lock: stdout" "$plain" "$out"
	valid_json "$d/static-$lock.json"
	has "$d/static-$lock.err" "^contend profile: pid [0-9]* (preload_static)" "stderr table ($lock)"
	has "$d/static-$lock.json" '"held_at_exit": true' "held at exit ($lock)"
	# 10 locks from .preinit_array + 3 rounds x 2 threads x 5000.
	line=$(grep '"acquisitions": 30010,' "$d/static-$lock.json")
	[ -n "$line" ] && pass || fail "static mutex not counted 30010 times ($lock)"
	if [ $lock != glibc ]; then
		printf '%s\n' "$line" | grep -q "\"implementation\": \"$lock\"" && pass ||
			fail "static mutex not substituted by $lock: $line"
	fi
done

tap_case "static initializer, preinit, exiting threads, held at exit"
# -- the contended mutex ranks first, with its call site --------------------
out=$("$CONTEND" profile -o "$d/contend.json" --top 3 -- "$T/preload_contend" mixed 20000 4 \
	2>"$d/contend.err")
expect "preload_contend: exit status" 0 $?
expect "preload_contend: stdout" "total=400000" "$out"
valid_json "$d/contend.json"
first=$(grep '"rank": 1,' "$d/contend.json")
case $first in
*hammer_known_mutex*) pass ;;
*) fail "rank 1 is not hammer_known_mutex's mutex: $first" ;;
esac
expect "rank 1 acquisitions" 80000 "$(field acquisitions "$first")"
c=$(field contended "$first")
[ "${c:-0}" -gt 0 ] && pass || fail "rank 1 shows no contention: $first"
second=$(grep '"rank": 2,' "$d/contend.json")
expect "rank 2 (a private mutex) contended" 0 "$(field contended "$second")"
has "$d/contend.err" "first locked at hammer_known_mutex" "call site in the stderr table"

tap_case "the contended mutex ranks first, with its call site"
# -- condition variables: profile and substituted ---------------------------
# 2 producers + 2 consumers with sleeping locks; 1 + 1 with spinlocks, which
# collapse when threads outnumber CPUs (see profile_locks.sh).
for run in "glibc 5000 2 2 20004" "futex 5000 2 2 20004" "mcs 2000 1 1 4002" \
	   "clh 2000 1 1 4002" "ticket 2000 1 1 4002"; do
	set -- $run
	lock=$1 acq=$5
	plain=$("$T/preload_condvar" $2 $3 $4)
	out=$("$CONTEND" profile --lock $lock -o "$d/cond-$lock.json" -- \
		"$T/preload_condvar" $2 $3 $4 2>"$d/cond-$lock.err")
	expect "preload_condvar --lock $lock: exit status" 0 $?
	expect "preload_condvar --lock $lock: stdout" "$plain" "$out"
	line=$(grep '"rank": 1,' "$d/cond-$lock.json")
	expect "condvar mutex acquisitions ($lock)" $acq "$(field acquisitions "$line")"
	w=$(field cond_waits "$line")
	[ "${w:-0}" -gt 0 ] && pass || fail "no condition waits counted ($lock): $line"
done

tap_case "condition variables: profile and substituted"
# -- fork, _exit and exec ---------------------------------------------------
for lock in glibc mcs; do
	out=$("$CONTEND" profile --lock $lock -o "$d/fork-$lock.json" -- "$T/preload_fork" \
		2>"$d/fork-$lock.err")
	expect "preload_fork --lock $lock: exit status" 0 $?
	expect "preload_fork --lock $lock: stdout" "fork ok" "$out"
	has "$d/fork-$lock.json" '"main_process": true' "main JSON ($lock)"
	n=0
	for f in "$d/fork-$lock.json".*; do
		[ -f "$f" ] || continue
		valid_json "$f"
		grep -q '"main_process": false' "$f" && grep -q '"acquisitions": 40000,' "$f" &&
			n=$((n + 1))
	done
	expect "child profiles (fork+_exit, exec) with 40000 acquisitions ($lock)" 2 $n
done

tap_case "fork, _exit and exec"
# -- recursive and error-checking mutexes stay glibc's ----------------------
for lock in glibc mcs clh; do
	out=$("$CONTEND" profile --lock $lock -o "$d/rec-$lock.json" -- "$T/preload_recursive" \
		2>"$d/rec-$lock.err")
	expect "preload_recursive --lock $lock: exit status" 0 $?
	expect "preload_recursive --lock $lock: stdout" "recursive ok" "$out"
	has "$d/rec-$lock.json" '"kind": "recursive", "implementation": "glibc"' "recursive kept ($lock)"
	has "$d/rec-$lock.json" '"kind": "errorcheck", "implementation": "glibc"' "errorcheck kept ($lock)"
done

tap_case "recursive and error-checking mutexes stay glibc's"
# -- --compare-locks --------------------------------------------------------
out=$("$CONTEND" profile --compare-locks mcs,futex -o "$d/cmp.json" -- \
	"$T/preload_contend" contended 5000 2 2>"$d/cmp.err")
expect "--compare-locks: exit status" 0 $?
expect "--compare-locks: stdout (3 runs)" "total=10000
total=10000
total=10000" "$out"
for lock in glibc mcs futex; do
	has "$d/cmp.err" "^$lock  *[0-9.]* [mun]*s " "--compare-locks row for $lock"
done
valid_json "$d/cmp.json"
expect "--compare-locks: runs in the JSON" 3 "$(grep -c '"wall_ns"' "$d/cmp.json")"

tap_case "--compare-locks"
tap_done
