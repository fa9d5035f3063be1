# report_findings.sh - the report's summary names what crafted data holds
# (tests/data/findings.json, sweep-alpha's cs 100 ns points with known
# changes): a tie, a clear winner, a collapse with its context switches, a
# starved point, a noisy point, a drifted point (schema 2's machine_changed,
# not guessed from probe_moved), an off-target critical section and
# intervals below 95%, a point split over placement regimes. The summary
# comes first in the page.
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot

"$CONTEND" report "$DATA/findings.json" -o "$T/r" >/dev/null 2>"$T/stderr" ||
	{ fail "report exited $? ($(cat "$T/stderr"))"; finish; }
page="$T/r/index.html"
# The summary, as text: one finding per line, entities undone.
sed -n '/<section id="summary">/,/<\/section>/p' "$page" | sed -n 's/^<li>\(.*\)<\/li>$/\1/p' |
	sed "s/<[^>]*>//g; s/&#39;/'/g; s/&amp;/\&/g" >"$T/summary"
want() {
	grep -qF -- "$1" "$T/summary" || fail "summary lacks: $1"
}
want "1 thread, cs 100 ns: fastest mcs at 8.08M acq/s, tied with ticket (8.07M) and futex (7.91M): the 93.8% confidence intervals overlap."
want "4 threads, cs 100 ns: fastest pthread at 2.90M acq/s, clear of futex (2.17M) at 93.8% confidence, 1.34x."
want "8 threads, cs 100 ns: fastest pthread at 1.52M acq/s, tied with futex (1.09M)"
want "8 threads, cs 100 ns (more threads than CPUs): ticket collapses 6530x (1.24k acq/s against 8.07M at 1 thread, 0.9 context switches per acquisition); mcs collapses 2700x (2.99k acq/s against 8.08M at 1 thread, 0.08 context switches per acquisition)."
want "Least fair: pthread, Jain's index 0.410 at 8 threads, cs 100 ns; its least-served thread got 0.2% of the acquisitions (a fair share is 12.5%); 3 of its 24 thread windows (8 threads x 3 repeats) had no acquisition."
want "1 of 16 points is noisy"
want "1 of 16 points saw the machine change under them"
want "16 of 16 points have intervals below 95% confidence (as low as 75%"
want "1 of 16 points ran critical sections off their target length."
# futex at 2 threads has two regimes, at 4 threads one: one point is split.
want "1 of 16 points ran in several placement regimes"
grep -q "pthread collapses\|futex collapses" "$T/summary" && fail "a lock that did not collapse is named as one"
ok "summary names the tie, the winner, the collapse, the starved, noisy, drifted and weak points"

# The drift flag of schema 2 (machine_changed) reaches the warnings and
# points.tsv too: the one point that has it, mcs at 2 threads.
grep -q 'Machine changed: 1 point where' "$page" || fail "warnings miss the machine_changed point"
awk -F'\t' '/^machine/ { for (i = 1; i <= NF; i++) if ($i == "machine_changed") c = i; next }
	!/^#/ && $c == 1 { print $3, $4 }' "$T/r/points.tsv" >"$T/changed"
[ "$(cat "$T/changed")" = "mcs 2" ] || fail "points.tsv machine_changed: '$(cat "$T/changed")', want 'mcs 2'"

# First thing in the body, before the warnings and the charts.
first=$(sed -n '/<body>/,$p' "$page" | grep -o '<section id="[a-z]*"' | head -1)
[ "$first" = '<section id="summary"' ] || fail "first section is $first, not the summary"
s=$(grep -n 'id="summary"' "$page" | cut -d: -f1)
w=$(grep -n 'id="warnings"' "$page" | cut -d: -f1)
[ "$s" -lt "$w" ] || fail "summary after the warnings"
ok "summary first"

# contend run ends with the same findings (computed by the same code).
# 100 ms windows: on a loaded machine a 10 ms one can pass without the
# thread ever running (0 acquisitions, no scenario to name).
"$CONTEND" run --locks tas --threads 1 --cs 0 --duration 100ms --warmup 1ms --repeat 2 \
	-o "$T/run.json" >"$T/run.out" 2>"$T/run.err" || fail "run exited $? ($(tail -1 "$T/run.err"))"
grep -q '^# summary: ' "$T/run.out" || fail "run's table has no summary line"
grep -q '^#   1 thread, cs 0 ns: only tas was measured' "$T/run.out" || fail "run's summary lacks the scenario: $(cat "$T/run.out")"
ok "contend run ends with the summary"
finish
