#!/bin/sh
# peers.sh - our locks against the best public implementations, and the
# harness against a bare loop, measured side by side in one sweep (the
# machine is noisy: ratios are only taken between figures of the same run).
#
#   bench/peers.sh [-o DIR] [--quick]
#
# Prints every ratio with its target and PASS/MISS, and writes DIR/peers.json
# (the sweep), DIR/sampling.json, DIR/ratios.txt and, when gnuplot is there,
# the charts of `contend report`. Needs jq. This is a benchmark: it reports,
# and exits 0 even when a target is missed (1 only when it cannot run).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CONTEND=${CONTEND:-$here/../contend}
out=results/peers
duration=200ms
repeat=7
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--quick) duration=50ms; repeat=3; shift ;;
	-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "peers.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done
command -v jq >/dev/null || { echo "peers.sh: jq is needed (Debian: jq)" >&2; exit 1; }
[ -x "$CONTEND" ] || { echo "peers.sh: no contend at $CONTEND (build first, or set CONTEND)" >&2; exit 1; }
"$CONTEND" list --json | jq -e 'map(.name) | index("ck-mcs")' >/dev/null ||
	{ echo "peers.sh: contend was built without concurrencykit (Debian: libck-dev)" >&2; exit 1; }
mkdir -p "$out"

ncpu=$(nproc)
over=$((4 * ncpu))
ours="tas,ttas,cas,ticket,mcs,clh,futex,futex-spin,lll"
# The queue locks of issue 13, held to mcs where queue locks shine.
newq="qspinlock,hemlock,mcs-tp,clh-tp"
peers="ck-fas,ck-ticket,ck-mcs,ck-clh,pthread,pthread-adaptive,pthread-spin"

echo "peers.sh: one sweep, $repeat rounds of every point in shuffled order ($duration each)"
"$CONTEND" run --locks "$ours,$newq,$peers" --threads "1,2,$over" --oversubscribe --pin compact \
	--cs 0,100ns --duration "$duration" --warmup 20ms --repeat "$repeat" -q \
	-o "$out/peers.json" > "$out/peers.txt"

# Sampling on vs off: alternate short runs, so that drift hits both alike.
rm -f "$out/sampling-on.txt" "$out/sampling-off.txt"
for i in 1 2 3 4 5; do
	for mode in auto off; do
		"$CONTEND" run --locks tas --threads 1 --cs 0 --duration 100ms --warmup 20ms \
			--repeat 3 --sample-every $mode -q -o "$out/sampling-$mode.json" >/dev/null
		jq '.results[0].throughput.median' "$out/sampling-$mode.json" >> "$out/sampling-$mode.txt"
	done
done

f=$out/peers.json
# Placement regimes: on a VM the host moves the vCPUs, and a 2-thread point's
# repeats fall into regimes (cache-line round trip ~60 or ~320 ns here) with
# 3-4x throughput; a median across them depends on how many repeats drew
# which. So th and ns take, for each thread count, the regime most repeats of
# that thread count drew (sweep-wide ids: `per_repeat[].regime`), and the
# median of a point's repeats in it; a point that has no repeat there gives
# no figure (N/A), and the reason is printed.
jqlib='def med: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def refregime($t): [.results[] | select(.threads == $t) | .per_repeat[].regime
		| select(. != null)] | if length == 0 then null else group_by(.) | max_by(length) | .[0] end;
	def point($l; $t; $c): .results[] | select(.lock == $l and .threads == $t and .cs_ns == $c);
	def regime_th($l; $t; $c): refregime($t) as $r | point($l; $t; $c) |
		if .regimes == null or $r == null then .throughput.median
		else [.per_repeat[] | select(.regime == $r) | .throughput] | med end;'
# median throughput / ns per acquisition / csw of a point (within the regime)
th() { jq -r --arg l "$1" --argjson t "$2" --argjson c "$3" "$jqlib"' regime_th($l; $t; $c) // empty' "$f"; }
ns() { jq -r --arg l "$1" --argjson t "$2" --argjson c "$3" "$jqlib"'
	regime_th($l; $t; $c) | if . == null or . == 0 then empty else 1e9 / . end' "$f"; }
csw() { jq -r --arg l "$1" --argjson t "$2" --argjson c "$3" \
	'.results[] | select(.lock == $l and .threads == $t and .cs_ns == $c) |
	 (.csw_per_acq.voluntary + .csw_per_acq.involuntary)' "$f"; }
# The regime th/ns use for THREADS, and the points that never drew it.
regimes() { jq -r --argjson t "$1" "$jqlib"' refregime($t) as $r |
	if $r == null then "\($t) threads: one placement regime (no split)" else
	([.results[] | select(.threads == $t) | .per_repeat[] | select(.regime == $r)]) as $in |
	"\($t) threads: ratios within placement regime \($r) (\([$in[] | .probe_before.rtt_ns // empty] | med | round) ns round trip, \($in | length) of \([.results[] | select(.threads == $t) | .per_repeat[]] | length) repeats), the one most repeats drew",
	(.results[] | select(.threads == $t and .regimes != null) |
	 select([.per_repeat[] | select(.regime == $r)] | length == 0) |
	 "  \(.lock) cs \(.cs_ns): never in that regime (its regimes: \([.regimes[] | "\(.rtt_ns | round) ns x\(.repeats)"] | join(", "))): no figure")
	end' "$f"; }

report=$out/ratios.txt
: > "$report"
pass=0
miss=0
# line WHAT RATIO OP TARGET: RATIO must be OP (<= or >=) TARGET
line() {
	verdict=$(awk -v r="$2" -v t="$4" -v op="$3" 'BEGIN {
		if (r == "" || r == "null") { print "N/A"; exit }
		ok = (op == "<=") ? (r <= t) : (r >= t); print ok ? "PASS" : "MISS" }')
	case $verdict in PASS) pass=$((pass + 1)) ;; MISS) miss=$((miss + 1)) ;; esac
	printf '%-58s %8s  target %s %-5s %s\n' "$1" "$2" "$3" "$4" "$verdict" | tee -a "$report"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "null"; else printf "%.3f", a / b }'; }
min() { printf '%s\n' "$@" | sort -g | head -1; }

echo | tee -a "$report"
echo "== Uncontended (1 thread): ns per lock+unlock, ours / fastest peer of the same algorithm family" | tee -a "$report"
# Families: exchange/CAS spinlocks (ck-fas, glibc's spinlock), ticket locks,
# MCS, CLH. Comparing an MCS with a CLH would compare algorithms (MCS's
# unlock needs a CAS that CLH's does not), not implementations.
tas_best=$(min "$(ns ck-fas 1 0)" "$(ns pthread-spin 1 0)")
for l in tas ttas cas; do line "$l / min(ck-fas, pthread-spin)" "$(ratio "$(ns $l 1 0)" "$tas_best")" "<=" 1.10; done
line "ticket / ck-ticket" "$(ratio "$(ns ticket 1 0)" "$(ns ck-ticket 1 0)")" "<=" 1.10
line "mcs / ck-mcs" "$(ratio "$(ns mcs 1 0)" "$(ns ck-mcs 1 0)")" "<=" 1.10
line "clh / ck-clh" "$(ratio "$(ns clh 1 0)" "$(ns ck-clh 1 0)")" "<=" 1.10
for l in futex futex-spin lll; do line "$l / pthread" "$(ratio "$(ns $l 1 0)" "$(ns pthread 1 0)")" "<=" 1.00; done

regimes 2 | tee -a "$report"
for cs in 0 100; do
	echo "== 2 threads pinned, cs ${cs}ns: throughput, ours / peer" | tee -a "$report"
	for pair in ticket:ck-ticket mcs:ck-mcs clh:ck-clh; do
		a=${pair%%:*} b=${pair#*:}
		line "$a / $b" "$(ratio "$(th $a 2 $cs)" "$(th $b 2 $cs)")" ">=" 0.95
	done
	line "futex-spin / pthread-adaptive" "$(ratio "$(th futex-spin 2 $cs)" "$(th pthread-adaptive 2 $cs)")" ">=" 1.00
	line "futex / pthread" "$(ratio "$(th futex 2 $cs)" "$(th pthread 2 $cs)")" ">=" 1.00
done

echo "== New queue locks against mcs: uncontended (mcs ns / lock ns) and 2 pinned threads (lock / mcs throughput)" |
	tee -a "$report"
for l in $(printf '%s' "$newq" | tr , ' '); do
	line "$l 1 thread: mcs ns / $l ns" "$(ratio "$(ns mcs 1 0)" "$(ns "$l" 1 0)")" ">=" 0.90
	for cs in 0 100; do
		line "$l 2 threads cs ${cs}ns: $l / mcs" "$(ratio "$(th "$l" 2 $cs)" "$(th mcs 2 $cs)")" ">=" 0.90
	done
done

echo "== Oversubscribed ($over threads on $ncpu CPUs), cs 100ns" | tee -a "$report"
regimes "$over" | tee -a "$report"
for l in futex-spin futex; do
	line "$l / pthread throughput" "$(ratio "$(th $l $over 100)" "$(th pthread $over 100)")" ">=" 1.00
	line "$l / pthread context switches per acquisition" \
		"$(ratio "$(csw $l $over 100)" "$(csw pthread $over 100)")" "<=" 1.00
done

echo "== Harness" | tee -a "$report"
on=$(sort -g "$out/sampling-auto.txt" | sed -n 3p)
off=$(sort -g "$out/sampling-off.txt" | sed -n 3p)
line "tas 1 thread: sampling auto / sampling off throughput" "$(ratio "$on" "$off")" ">=" 0.95
bare=$(jq -r '.results[] | select(.lock == "tas" and .threads == 1 and .cs_ns == 0) | .bare_ns_per_acq' "$f")
line "tas 1 thread: reported ns / bare inlined loop ns" "$(ratio "$(ns tas 1 0)" "$bare")" "<=" 1.10

echo "== Handoff floor: 2 pinned threads, empty critical section" | tee -a "$report"
for l in ticket mcs; do
	jq -r --arg l "$l" '.results[] | select(.lock == $l and .threads == 2 and .cs_ns == 0) |
		"\($l): \(.ns_per_acq | . * 10 | round / 10) ns per acquisition; cache-line round trip \([.per_repeat[].probe_before.rtt_ns | select(. != null)] | sort | .[length / 2 | floor] | . * 10 | round / 10) ns (median of the probes before each repeat)"' "$f" |
		tee -a "$report"
done

# ---------------------------------------------------------------------------
# Oversubscription (issue 13): locks built to survive more threads than CPUs,
# in a sweep of their own: $over threads, critical sections of 100ns and 1us.
# Targets: a fair lock of ours (registry `fair`, Jain >= 0.9 at the point)
# reaches 0.5x pthread-adaptive; our best lock reaches 1.2x pthread-adaptive
# at 100ns, and 0.9x of the serial limit 1/(achieved critical section, the
# point's hold_ns.p50) at 1us.
echo "== Oversubscribed, locks that park ($over threads on $ncpu CPUs, cs 100ns and 1us)" | tee -a "$report"
listing=$("$CONTEND" list --json)
over_ours=""
for l in mcs-park malthusian mcs-tp clh-tp qspinlock hemlock futex-spin futex lll sem; do
	printf '%s\n' "$listing" | jq -e --arg l "$l" 'map(.name) | index($l)' >/dev/null &&
		over_ours="$over_ours${over_ours:+,}$l"
done
f_main=$f
f=$out/oversub.json
"$CONTEND" run --locks "$over_ours,pthread-adaptive" --threads "$over" --oversubscribe \
	--pin compact --cs 100ns,1us --duration "$duration" --warmup 20ms --repeat "$repeat" -q \
	-o "$f" > "$out/oversub.txt"
# What one thread alone gets of the serial limit: on a machine shared with
# other work, no lock can do better, and the 1us target reads against it.
"$CONTEND" run --locks pthread-adaptive --threads 1 --cs 1us --duration "$duration" \
	--warmup 20ms --repeat "$repeat" -q -o "$out/alone.json" > /dev/null
jain() { jq -r --arg l "$1" --argjson t "$2" --argjson c "$3" \
	'.results[] | select(.lock == $l and .threads == $t and .cs_ns == $c) | .fairness.jain' "$f"; }
hold() { jq -r --arg l "$1" --argjson t "$2" --argjson c "$3" \
	'.results[] | select(.lock == $l and .threads == $t and .cs_ns == $c) | .hold_ns.p50' "$f"; }
fair_of() { printf '%s\n' "$listing" | jq -r --arg l "$1" '.[] | select(.name == $l) | .fair'; }
for cs in 100 1000; do
	ref=$(th pthread-adaptive "$over" $cs)
	best="" best_th=0 fair="" fair_th=0
	for l in $(echo "$over_ours" | tr , ' '); do
		t=$(th "$l" "$over" $cs)
		[ -n "$t" ] && [ "$t" != null ] || continue
		if awk -v a="$t" -v b="$best_th" 'BEGIN { exit !(a > b) }'; then best=$l best_th=$t; fi
		if [ "$(fair_of "$l")" = true ] &&
			awk -v j="$(jain "$l" "$over" $cs)" 'BEGIN { exit !(j != "null" && j >= 0.9) }' &&
			awk -v a="$t" -v b="$fair_th" 'BEGIN { exit !(a > b) }'; then fair=$l fair_th=$t; fi
	done
	if [ -n "$fair" ]; then
		line "cs ${cs}ns: fair $fair (Jain $(jain "$fair" "$over" $cs | cut -c1-5)) / pthread-adaptive" \
			"$(ratio "$fair_th" "$ref")" ">=" 0.50
	else
		line "cs ${cs}ns: no fair lock of ours reached Jain 0.9" "null" ">=" 0.50
	fi
	if [ $cs = 100 ]; then
		line "cs ${cs}ns: best of ours ($best) / pthread-adaptive" "$(ratio "$best_th" "$ref")" ">=" 1.20
	else
		h=$(hold "$best" "$over" $cs)
		limit=$(awk -v h="$h" 'BEGIN { if (h == "" || h == "null" || h <= 0) print ""; else printf "%.0f", 1e9 / h }')
		line "cs ${cs}ns: best of ours ($best) / serial limit 1/hold p50 ($(printf '%.0f' "$h") ns)" \
			"$(ratio "$best_th" "$limit")" ">=" 0.90
		jq -r '.results[0] | "  (reference: 1 thread alone, pthread-adaptive, reaches \(.throughput.median * .hold_ns.p50 / 1e9 * 1000 | round / 1000) of its serial limit on this machine now)"' \
			"$out/alone.json" | tee -a "$report"
	fi
done
for l in $(echo "$over_ours" | tr , ' '); do
	jq -r --arg l "$l" --argjson t "$over" 'def r: if . == null then "null" else . * 1000 | round / 1000 end;
		.results[] | select(.lock == $l and .threads == $t) |
		"  \($l) cs \(.cs_ns)ns: \(.throughput.median | round) acq/s, Jain \(.fairness.jain | r), csw/acq \(.csw_per_acq | if . == null then null else .voluntary + .involuntary end | r), futex waits/acq \(.lock_stats.futex_waits | r), same-thread handoffs \(.handoff.same_thread_share | r)"' "$f" |
		tee -a "$report"
done
f=$f_main

echo | tee -a "$report"
echo "$pass PASS, $miss MISS (machine: $(jq -r '.meta.cpu_model // "?"' "$f"), $ncpu CPUs)" | tee -a "$report"
if "$CONTEND" report --help >/dev/null 2>&1 && command -v gnuplot >/dev/null; then
	"$CONTEND" report "$f" -o "$out/report" >/dev/null 2>&1 &&
		echo "charts: $out/report/index.html"
fi
echo "sweep: $f (oversubscription: $out/oversub.json), table: $out/peers.txt, ratios: $report"
