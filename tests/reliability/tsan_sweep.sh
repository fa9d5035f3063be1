#!/bin/sh
# tsan_sweep.sh - `make check-tsan` only: a whole `contend run` sweep (every
# lock, 2 and 4 threads, oversubscribed) under ThreadSanitizer, so that
# the harness's own synchronisation (start gate, phase word, per-thread
# results, the generated hot loops) is checked along with the locks. Any
# report ends the process (halt_on_error=1) and fails the test.
set -u
: "${CONTEND:?}"
if [ "${CONTEND_SANITIZER:-}" != tsan ]; then
	echo "SKIP: for the ThreadSanitizer build (make check-tsan)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TSAN_OPTIONS="${TSAN_OPTIONS:-} halt_on_error=1 exitcode=66" \
	"$CONTEND" run --locks all --threads 2,4 --oversubscribe --cs 100ns --duration 20ms \
	--warmup 5ms --repeat 1 -q -o "$tmp/r.json" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -ne 0 ] || grep -q ThreadSanitizer "$tmp/err"; then
	echo "FAIL: contend run under ThreadSanitizer: exit $rc"
	cat "$tmp/err"
	exit 1
fi
echo "PASS: $(grep -c '^[a-z]' "$tmp/out") table rows, no ThreadSanitizer report"
