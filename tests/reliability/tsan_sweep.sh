#!/bin/sh
# tsan_sweep.sh - `make check-tsan` only: a whole `contend run` sweep (every
# lock, 2 and 4 threads, oversubscribed) under ThreadSanitizer, so that
# the harness's own synchronisation (start gate, phase word, per-thread
# results, the generated hot loops) is checked along with the locks. Any
# report ends the process (halt_on_error=1) and fails the test.
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
[ "${CONTEND_SANITIZER:-}" = tsan ] || tap_skip_all "for the ThreadSanitizer build (make check-tsan)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TSAN_OPTIONS="${TSAN_OPTIONS:-} halt_on_error=1 exitcode=66" \
	"$CONTEND" run --locks all --threads 2,4 --oversubscribe --cs 100ns --duration 20ms \
	--warmup 5ms --repeat 1 -q -o "$tmp/r.json" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -ne 0 ] || grep -q ThreadSanitizer "$tmp/err"; then
	tap_not_ok "contend run --locks all under ThreadSanitizer: exit $rc"
	tap_diag_file "$tmp/err"
else
	tap_ok "contend run --locks all under ThreadSanitizer: $(grep -c '^[a-z]' "$tmp/out") table rows, no report"
fi
tap_done
