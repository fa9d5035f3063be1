#!/bin/sh
# aarch64_run.sh - the short `contend run` of `make check-aarch64` (see
# tests/reliability/aarch64.sh, which sets CONTEND to contend under qemu-aarch64 and
# QEMU_RUN to the wrapper that runs any other program of the aarch64 tree).
# A few locks of each kind, ck's ticket lock (its trylock is ours there)
# included, 1 and 2 threads; the file must pass the reader's validation and
# say which architecture, atomics and time base produced it.
set -u
: "${top_builddir:?}" "${CONTEND:?}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

locks=tas,ticket,mcs,futex
grep -q '^#define HAVE_CK 1' "$top_builddir/config.h" && locks=$locks,ck-ticket
nlocks=$(echo "$locks" | tr ',' '\n' | wc -l)
"$CONTEND" run --locks "$locks" --threads 1,2 --cs 100ns --duration 50ms --repeat 1 \
	-q -o "$tmp/r.json" > "$tmp/table" 2> "$tmp/err"
rc=$?
rows=$(grep -cE '^(tas|ticket|mcs|futex|ck-ticket) ' "$tmp/table")
if [ $rc -eq 0 ] && [ "$rows" -eq $((2 * nlocks)) ]; then
	echo "ok   contend run: $rows table rows ($locks x 1,2 threads)"
else
	echo "FAIL: contend run: exit $rc, $rows rows, want $((2 * nlocks))"
	cat "$tmp/table" "$tmp/err"
	exit 1
fi
# shellcheck disable=SC2086 # QEMU_RUN is a command, empty when native
if ${QEMU_RUN:-} "$top_builddir/tests/lib/check_results" "$tmp/r.json"; then
	echo "ok   results JSON follows results/SCHEMA.md"
else
	echo "FAIL: contend run wrote JSON that does not follow results/SCHEMA.md"; fail=1
fi
if command -v jq >/dev/null; then
	if jq -e '.complete == true and ([.results[] | .status == "ok"] | all)
	    and ([.results[] | .violations == 0] | all)' "$tmp/r.json" >/dev/null; then
		echo "ok   every point ok, no violations"
	else
		echo "FAIL: results: a point not ok or with violations"; fail=1
	fi
	jq -c '.meta.arch, .meta.tsc' "$tmp/r.json"
	if jq -e '.meta.arch.machine == "aarch64" and .meta.arch.relax == "yield"
	    and (.meta.arch.atomics | IN("lse", "llsc", "outline"))
	    and (.meta.arch.atomics_at_run_time | IN("lse", "llsc"))
	    and .meta.tsc.source == "cntvct_el0" and .meta.tsc.nominal_hz > 0
	    and .meta.arch.lock_pad_bytes == 2 * .meta.arch.lock_cacheline_bytes' \
	    "$tmp/r.json" >/dev/null; then
		echo "ok   meta: aarch64, its atomics, yield, the generic timer"
	else
		echo "FAIL: meta.arch / meta.tsc do not describe an aarch64 build"; fail=1
	fi
fi
exit $fail
