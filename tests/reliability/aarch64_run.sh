#!/bin/sh
# aarch64_run.sh - the short `contend run` of `make check-aarch64` (see
# tests/reliability/aarch64.sh, which sets CONTEND to contend under qemu-aarch64 and
# QEMU_RUN to the wrapper that runs any other program of the aarch64 tree).
# A few locks of each kind, ck's ticket lock (its trylock is ours there)
# included, 1 and 2 threads; the file must pass the reader's validation and
# say which architecture, atomics and time base produced it.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
tmp=$(mktemp -d) || tap_bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

locks=tas,ticket,mcs,futex
grep -q '^#define HAVE_CK 1' "$top_builddir/config.h" && locks=$locks,ck-ticket
nlocks=$(echo "$locks" | tr ',' '\n' | wc -l)
"$CONTEND" run --locks "$locks" --threads 1,2 --cs 100ns --duration 50ms --repeat 1 \
	-q -o "$tmp/r.json" > "$tmp/table" 2> "$tmp/err"
rc=$?
rows=$(grep -cE '^(tas|ticket|mcs|futex|ck-ticket) ' "$tmp/table")
if [ $rc -eq 0 ] && [ "$rows" -eq $((2 * nlocks)) ]; then
	tap_ok "contend run: $rows table rows ($locks x 1,2 threads)"
else
	tap_not_ok "contend run: exit $rc, $rows rows, want $((2 * nlocks))"
	{ cat "$tmp/table" "$tmp/err"; } | sed 's/^/# /'
	tap_done
fi
# shellcheck disable=SC2086 # QEMU_RUN is a command, empty when native
if ${QEMU_RUN:-} "$top_builddir/tests/lib/check_results" "$tmp/r.json" >"$tmp/check" 2>&1; then
	tap_ok "results JSON follows results/SCHEMA.md"
else
	tap_not_ok "contend run wrote JSON that does not follow results/SCHEMA.md"
	tap_diag_file "$tmp/check"
fi
if command -v jq >/dev/null; then
	if jq -e '.complete == true and ([.results[] | .status == "ok"] | all)
	    and ([.results[] | .violations == 0] | all)' "$tmp/r.json" >/dev/null; then
		tap_ok "every point ok, no violations"
	else
		tap_not_ok "results: a point not ok or with violations"
	fi
	jq -c '.meta.arch, .meta.tsc' "$tmp/r.json" | sed 's/^/# /'
	if jq -e '.meta.arch.machine == "aarch64" and .meta.arch.relax == "yield"
	    and (.meta.arch.atomics | IN("lse", "llsc", "outline"))
	    and (.meta.arch.atomics_at_run_time | IN("lse", "llsc"))
	    and .meta.tsc.source == "cntvct_el0" and .meta.tsc.nominal_hz > 0
	    and .meta.arch.lock_pad_bytes == 2 * .meta.arch.lock_cacheline_bytes' \
	    "$tmp/r.json" >/dev/null; then
		tap_ok "meta: aarch64, its atomics, yield, the generic timer"
	else
		tap_not_ok "meta.arch / meta.tsc do not describe an aarch64 build"
	fi
fi
tap_done
