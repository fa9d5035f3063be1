# findings_knees.sh - the report's summary names knees by the topology
# boundary they cross (issue 23), on tests/data/topology-knees.json: a
# synthetic 16-CPU machine with two L3s of 4 SMT cores, compact pinning,
# designed throughputs: mcs falls 2.3x from 8 to 9 threads (the 9th thread
# is the first on the second L3) and 40x from 16 to 32 (oversubscribed),
# ticket 1.6x from 9 to 10 (no boundary). Negative controls: overlapping
# intervals, a drop under 1.5x, a file without boundaries.
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot
command -v jq >/dev/null 2>&1 || tap_skip_all "jq is not installed"
fix="$DATA/topology-knees.json"

# summary FILE OUT: the report's findings as text, one per line.
summary() {
	rm -rf "$T/r"
	"$CONTEND" report "$1" -o "$T/r" >/dev/null 2>"$T/stderr" ||
		{ fail "report $1 exited $? ($(cat "$T/stderr"))"; : >"$2"; return; }
	sed -n '/<section id="summary">/,/<\/section>/p' "$T/r/index.html" |
		sed -n 's/^<li>\(.*\)<\/li>$/\1/p' |
		sed "s/<[^>]*>//g; s/&#39;/'/g; s/&amp;/\&/g" >"$2"
}
want() { grep -qxF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"; }
lacks() { grep -qF -- "$2" "$1" && fail "$(basename "$1") has: $(grep -F -- "$2" "$1")"; return 0; }

summary "$fix" "$T/all"
want "$T/all" "mcs loses 2.3x from 8 to 9 threads (cs 50 ns), where the 9th thread is the first on the 2nd L3."
want "$T/all" "mcs loses 40x from 16 to 32 threads (cs 50 ns), where threads outnumber the 16 CPUs."
want "$T/all" "ticket loses 1.6x from 9 to 10 threads (cs 50 ns), at no topology boundary."
[ "$(grep -c ' loses ' "$T/all")" -eq 3 ] || fail "want 3 knees: $(grep ' loses ' "$T/all")"
grep -q "Knees at topology boundaries" "$T/r/index.html" || fail "no heading for the knees"
ok "knees named by the boundary they cross, by oversubscription, or at none"

# Two locks at the same step share a sentence, the deeper drop first.
jq '(.results[] | select(.lock == "ticket" and .threads == 9) | .throughput) |=
	(.median = 3e6 | .ci95_low = 2.91e6 | .ci95_high = 3.09e6)' "$fix" > "$T/both.json"
summary "$T/both.json" "$T/both"
want "$T/both" "ticket loses 3.3x, mcs 2.3x from 8 to 9 threads (cs 50 ns), where the 9th thread is the first on the 2nd L3."
ok "knees of two locks at one step: one sentence"

# Negative controls: intervals that overlap, a drop under 1.5x, no boundaries.
jq '(.results[] | select(.lock == "mcs" and .threads == 9) | .throughput.ci95_high) = 9.0e6' \
	"$fix" > "$T/overlap.json"
summary "$T/overlap.json" "$T/overlap"
lacks "$T/overlap" "from 8 to 9 threads"
want "$T/overlap" "ticket loses 1.6x from 9 to 10 threads (cs 50 ns), at no topology boundary."
jq '(.results[] | select(.lock == "ticket" and .threads == 10) | .throughput) |=
	(.median = 6.5e6 | .ci95_low = 6.3e6 | .ci95_high = 6.7e6)' "$fix" > "$T/small.json"
summary "$T/small.json" "$T/small"
lacks "$T/small" "ticket loses"
jq 'del(.boundaries)' "$fix" > "$T/old.json"
summary "$T/old.json" "$T/old"
want "$T/old" "mcs loses 2.3x from 8 to 9 threads (cs 50 ns)."
lacks "$T/old" "topology boundary"
ok "no knee where the intervals overlap or the drop is under 1.5x; no boundary named without boundaries"

finish
