#!/bin/sh
# limits.sh - sweeps that ask for more than the process may have must fail
# with a clear message: exit 1, every stderr line "contend run: ...", no
# hang (each run under `timeout`), no crash (no exit by signal).
#
# The limits are set with `ulimit -v` (RLIMIT_AS), because CI runs as root
# and root ignores `ulimit -u` (RLIMIT_NPROC) - as does `prlimit --nproc` -
# while RLIMIT_AS binds everybody: pthread_create fails with EAGAIN once no
# more thread stacks can be mapped, and big allocations fail with ENOMEM.
#   1. address space: the smallest limit a one-thread sweep runs under is
#      searched (doubling, then bisection); every smaller limit tried on
#      the way must fail cleanly too (start-up out of memory).
#   2. threads: 1000 threads of 8 MB stacks under that limit + 300 MB.
#   3. memory for per-thread results and histograms (~16 KB a thread,
#      allocated before any thread starts): 4096 threads under that limit
#      + 40 MB.
# The stack limit stays at 8 MB: a small `ulimit -s` also shrinks the main
# thread's stack, and hwloc's dlopen of its plugins overflows 16 KB.
#   4. as a non-root user also `ulimit -u`, which then binds.
# Sanitizer builds reserve terabytes of address space for their shadow
# memory, so RLIMIT_AS cannot be applied to them: skipped there.
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
if [ -n "${CONTEND_SANITIZER:-}" ]; then
	tap_skip_all "built with a sanitizer ($CONTEND_SANITIZER): its shadow memory needs more" \
		"address space than any useful ulimit -v"
fi
if ! command -v timeout > /dev/null; then
	tap_skip_all "timeout(1) not found (Debian: coreutils)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_limited KB STACK_KB ARGS...: contend run under ulimit -v KB and
# ulimit -s STACK_KB; sets rc; stderr in $tmp/err, the -o file $tmp/out.json.
run_limited() {
	as_kb=$1 stack_kb=$2
	shift 2
	rm -f "$tmp/out.json"
	(
		ulimit -s "$stack_kb" && ulimit -v "$as_kb" || exit 99
		exec timeout 60 "$CONTEND" run -q -o "$tmp/out.json" "$@"
	) > "$tmp/stdout" 2> "$tmp/err"
	rc=$?
}

# check_failure LABEL PATTERN: the last run failed the way a user can act on.
check_failure() {
	label=$1 pattern=$2
	if [ $rc -eq 124 ]; then
		tap_not_ok "$label: still running after 60 s (hang)"; return
	fi
	if [ $rc -ge 128 ]; then
		tap_not_ok "$label: killed by signal $((rc - 128)):"; tap_diag_file "$tmp/err"; return
	fi
	if [ $rc -ne 1 ]; then
		tap_not_ok "$label: exit $rc, want 1:"; tap_diag_file "$tmp/err"; return
	fi
	if grep -qv '^contend run: ' "$tmp/err"; then
		tap_not_ok "$label: stderr has lines that are not contend's messages:"
		tap_diag_file "$tmp/err"; return
	fi
	if ! grep -Eq "$pattern" "$tmp/err"; then
		tap_not_ok "$label: no message matching /$pattern/:"; tap_diag_file "$tmp/err"; return
	fi
	tap_ok "$label: exit 1, $(grep -E "$pattern" "$tmp/err" | head -1)"
}

small="--locks tas --threads 1 --cs 0 --duration 1ms --warmup 0 --repeat 1"

# 1. The smallest address space a one-thread sweep runs in.
lo=8192 hi=
kb=$lo
clean_startup_failures=0
while [ -z "$hi" ]; do
	# shellcheck disable=SC2086
	run_limited $kb 8192 $small
	# 127: the dynamic loader could not map a library: not ours to report.
	if [ $rc -ne 0 ] && [ $rc -ne 127 ]; then
		check_failure "start-up under ulimit -v $kb" '.'
		clean_startup_failures=$((clean_startup_failures + 1))
	fi
	if [ $rc -eq 0 ]; then
		hi=$kb
	elif [ $kb -ge 4194304 ]; then
		tap_not_ok "a one-thread sweep does not run even under ulimit -v $kb (exit $rc):"
		tap_diag_file "$tmp/err"; tap_done
	else
		lo=$kb
		kb=$((kb * 2))
	fi
done
while [ $((hi - lo)) -gt 4096 ]; do
	mid=$(((lo + hi) / 2))
	# shellcheck disable=SC2086
	run_limited $mid 8192 $small
	if [ $rc -eq 0 ]; then
		hi=$mid
	else
		lo=$mid
		if [ $rc -ne 127 ]; then
			check_failure "start-up under ulimit -v $mid" '.'
			clean_startup_failures=$((clean_startup_failures + 1))
		fi
	fi
done
base=$hi
tap_ok "a one-thread sweep needs ~$((base / 1024)) MB of address space;" \
	"$clean_startup_failures smaller limits failed cleanly"

# 2. More threads than stacks fit.
run_limited $((base + 300 * 1024)) 8192 --locks tas --threads 1000 --oversubscribe \
	--cs 0 --duration 10ms --warmup 0 --repeat 1
check_failure "1000 threads, 8 MB stacks, $(((base / 1024) + 300)) MB address space" \
	'cannot create thread [0-9]+ of 1000'
if [ -s "$tmp/out.json" ] && command -v jq > /dev/null &&
   ! jq -e '.complete == false' "$tmp/out.json" > /dev/null; then
	tap_not_ok "the results file of the failed sweep does not say complete: false"
fi

# 3. Per-thread results and histograms beyond the address space.
run_limited $((base + 40 * 1024)) 8192 --locks tas --threads 4096 --oversubscribe \
	--cs 0 --duration 10ms --warmup 0 --repeat 1
check_failure "4096 threads' histograms, $(((base / 1024) + 40)) MB address space" \
	'out of memory|cannot allocate|cannot create thread'

# 4. RLIMIT_NPROC, where it binds.
if [ "$(id -u)" -ne 0 ]; then
	nproc_now=$(ps -eLo user= 2>/dev/null | grep -c "^$(id -un)\$")
	rm -f "$tmp/out.json"
	(
		ulimit -u $((nproc_now + 20)) || exit 99
		exec timeout 60 "$CONTEND" run -q -o "$tmp/out.json" --locks tas --threads 200 \
			--oversubscribe --cs 0 --duration 10ms --warmup 0 --repeat 1
	) > "$tmp/stdout" 2> "$tmp/err"
	rc=$?
	check_failure "200 threads under ulimit -u $((nproc_now + 20))" 'cannot create thread'
else
	tap_diag "note: running as root, which ulimit -u does not bind: RLIMIT_NPROC not tested"
fi

tap_done
