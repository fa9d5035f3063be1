#!/bin/sh
# run_trust.sh - issue 27's physical checks, read from the results JSON of
# short `contend run`s at one thread:
#   - hold and acquire latency exclude the timer's own cost: the hold's
#     median is at most the time per acquisition (lock, unlock and loop
#     included), and within 10 % of the section it holds; the correction
#     taken off is reported;
#   - sections from 20 ns are as asked or flagged: every fixed section of a
#     ladder is within 5 % of asked or flagged (cs_off_target), and the
#     lengths achieved climb with the lengths asked where none is flagged;
#   - an exponential section is judged by its mean: its achieved figure is
#     near the asked mean (a median would read ln 2 = 0.69 of it);
#   - --ncs 0 times no non-critical section: ncs_ns_achieved null + reason.
# On a loaded machine a section may come out long or short: it is then
# flagged, which these checks accept; none asserts a speed.
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v jq >/dev/null || tap_skip_all "jq not installed"

check() { # FILE DESCRIPTION JQ-EXPRESSION
	if jq -e "$3" "$1" >/dev/null; then tap_ok "$2"; else
		tap_not_ok "$2"; jq -c '.results[] | {cs_ns, ns_per_acq, cs_ns_achieved,
			cs_off_target, hold: .hold_ns.p50, timer: .harness.timer_correction_ns}' "$1" |
			sed 's/^/# /'; fi
}

"$CONTEND" run --locks tas --threads 1 --cs 200ns,1us --ncs 0 --duration 50ms \
	--warmup 20ms --repeat 3 -q -o "$tmp/hold.json" > /dev/null 2>&1 ||
	tap_not_ok "hold run: exit $?"
check "$tmp/hold.json" "1 thread: hold_ns.p50 <= ns_per_acq" \
	'[.results[] | .hold_ns.p50 <= .ns_per_acq] | all'
check "$tmp/hold.json" "1 thread: hold_ns.p50 within 10% of cs_ns_achieved" \
	'[.results[] | ((.hold_ns.p50 - .cs_ns_achieved) | fabs) <= 0.1 * .cs_ns_achieved] | all'
check "$tmp/hold.json" "the timer's cost taken off is reported: hold 3 reads, latency 1" \
	'[.results[].harness.timer_correction_ns | .hold > 0 and .latency > 0
	  and .hold >= 2 * .latency] | all'
check "$tmp/hold.json" "--ncs 0: ncs_ns_achieved null, with its reason" \
	'[.results[] | .ncs_ns_achieved == null and (.ncs_ns_achieved_unavailable_reason | test("--ncs 0"))] | all'

"$CONTEND" run --locks tas --threads 1 --cs 20ns,30ns,35ns,38ns,42ns,45ns,50ns,100ns \
	--ncs 0 --duration 50ms --warmup 20ms --repeat 3 -q -o "$tmp/ladder.json" > /dev/null 2>&1 ||
	tap_not_ok "ladder run: exit $?"
check "$tmp/ladder.json" "ladder 20-100 ns: each within 5% of asked, or flagged" \
	'[.results[] | .cs_off_target or (((.cs_ns_achieved - .cs_ns) | fabs) <= 0.05 * .cs_ns)]
	 | all and length == 8'
check "$tmp/ladder.json" "ladder 20-100 ns: achieved climbs with asked where not flagged" \
	'[.results[] | select(.cs_off_target | not)] | sort_by(.cs_ns) | [.[].cs_ns_achieved] as $a
	 | [range(1; $a | length) | $a[.] >= $a[. - 1]] | all'

"$CONTEND" run --locks tas --threads 1 --cs 300ns --ncs 0 --dist exp --duration 50ms \
	--warmup 20ms --repeat 3 -q -o "$tmp/exp.json" > /dev/null 2>&1 ||
	tap_not_ok "exp run: exit $?"
check "$tmp/exp.json" "--dist exp: achieved is the mean (within 20% of the asked 300 ns)" \
	'.results[0] | ((.cs_ns_achieved - 300) | fabs) <= 60'
tap_done
