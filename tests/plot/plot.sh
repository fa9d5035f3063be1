# plot.sh - contend plot renders every chart type from the committed fixtures,
# as valid PNG / SVG / PDF files, keeps the TSV, marks failed and
# oversubscribed points, overlays machines and replaces only its own output.
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot

# --- one machine, PNG: 5 charts x 2 cs groups + throughput vs cs x 4 thread counts
out="$T/png"
"$CONTEND" plot "$DATA/sweep-alpha.json" -o "$out" >"$T/stdout" 2>"$T/stderr" ||
	fail "plot sweep-alpha exited $? ($(cat "$T/stderr"))"
n=0
for kind in throughput fairness latency-p99 csw cycles; do
	for g in cs100 cs1000; do
		check_png "$out/$kind-vs-threads-$g.png"
		n=$((n + 1))
	done
done
for t in 1 2 4 8; do
	check_png "$out/throughput-vs-cs-t$t.png"
	n=$((n + 1))
done
[ "$(ls "$out"/*.png | wc -l)" -eq "$n" ] || fail "$(ls "$out"/*.png | wc -l) PNGs, want $n"
[ "$(wc -l <"$T/stdout")" -eq "$n" ] || fail "stdout lists $(wc -l <"$T/stdout") charts, want $n"
ok "$n PNG charts: every chart type, valid and of sensible size"

# TSV kept: points.tsv has a header and all 32 points; chart data per group.
rows=$(grep -vc '^#' "$out/points.tsv")
[ "$rows" -eq 33 ] || fail "points.tsv has $rows lines, want header + 32"
for f in data-vs-threads-cs100.tsv data-vs-threads-cs1000.tsv data-vs-cs-t8.tsv; do
	[ -s "$out/$f" ] || fail "$f missing"
done
# The failed point (ticket, 8 threads, cs 1000) is data NaN + "failed", never
# a throughput; the chart marks it in red instead.
awk -F'\t' '/^# series: ticket/ { s = 1; next } /^# series/ { s = 0 }
	s && $1 == 8 { print $2, $13 }' "$out/data-vs-threads-cs1000.tsv" >"$T/failed"
[ "$(cat "$T/failed")" = "NaN failed" ] || fail "failed point in chart data: '$(cat "$T/failed")'"
grep -q "failed_text\[1\] = 'ticket failed'" "$out/throughput-vs-threads-cs1000.gp" ||
	fail "failed point not marked in the throughput chart"
# A null p99 (futex, 4 threads, cs 100) is NaN, and its series is still drawn.
awk -F'\t' '/^# series: futex/ { s = 1; next } /^# series/ { s = 0 }
	s && $1 == 4 { print $6 }' "$out/data-vs-threads-cs100.tsv" >"$T/p99"
[ "$(cat "$T/p99")" = NaN ] || fail "null p99 written as '$(cat "$T/p99")'"
grep -q "titles\[3\] = 'futex'" "$out/latency-p99-vs-threads-cs100.gp" ||
	fail "futex dropped from the latency chart"
# Oversubscription: threads past 2 CPUs shaded; machine in the title.
grep -q "over_from\[1\] = 2;" "$out/throughput-vs-threads-cs100.gp" || fail "no oversubscription shading"
grep -q "alpha (AMD EPYC 7B13, 2 CPUs)" "$out/cycles-vs-threads-cs100.gp" || fail "machine not in title"
grep -q "logy = 1" "$out/throughput-vs-threads-cs100.gp" || fail "wide throughput range not log y"
# The error bars are the intervals the file's repeats reached (75% here), not a 95% the data lacks.
grep -q "^ylabel = 'throughput (acquisitions/s, median, 75% CI)'" "$out/throughput-vs-threads-cs100.gp" ||
	fail "throughput axis does not name the 75% interval: $(grep '^ylabel' "$out/throughput-vs-threads-cs100.gp")"
ok "TSV kept; failed point NaN + red mark; null p99 skipped; oversubscription shaded"

# Re-running a driver by hand redraws its chart (the drivers are for users),
# in its directory or from anywhere, after the directory moved: the drivers
# name nothing outside it (the templates are copied beside them).
rm "$out/fairness-vs-threads-cs100.png"
(cd "$out" && gnuplot fairness-vs-threads-cs100.gp) || fail "driver does not rerun"
check_png "$out/fairness-vs-threads-cs100.png"
grep -l "^plotsdir = '/" "$out"/*.gp && fail "a driver names the tree that made it"
mv "$out" "$T/moved"
rm "$T/moved/throughput-vs-threads-cs1000.png"
(cd / && gnuplot "$T/moved/throughput-vs-threads-cs1000.gp") >"$T/gp.log" 2>&1 ||
	fail "driver does not rerun from another directory ($(tail -1 "$T/gp.log"))"
check_png "$T/moved/throughput-vs-threads-cs1000.png"
mv "$T/moved" "$out"

# --- SVG and PDF
"$CONTEND" plot "$DATA/sweep-alpha.json" -o "$T/svg" --format svg >/dev/null 2>&1 || fail "svg exited $?"
for f in "$T"/svg/*.svg; do check_svg "$f"; done
[ "$(ls "$T"/svg/*.svg | wc -l)" -eq "$n" ] || fail "svg: $(ls "$T"/svg/*.svg | wc -l) files"
"$CONTEND" plot "$DATA/sweep-alpha.json" -o "$T/pdf" --format pdf --locks mcs >/dev/null 2>&1 || fail "pdf exited $?"
head -c 5 "$T/pdf/throughput-vs-threads-cs100.pdf" | grep -q '%PDF-' || fail "pdf: not a PDF"
grep -q "titles\[2\]" "$T/pdf/throughput-vs-threads-cs100.gp" && fail "--locks mcs drew a second lock"
ok "SVG and PDF charts; --locks limits the curves"

# --- two machines overlaid, machine in the legend, each one's CPUs shaded
"$CONTEND" plot "$DATA/sweep-alpha.json" "$DATA/sweep-beta.json" -o "$T/two" >/dev/null 2>&1 ||
	fail "two files exited $?"
d="$T/two/throughput-vs-threads-cs100.gp"
grep -q "'mcs @ alpha'" "$d" && grep -q "'mcs @ beta'" "$d" || fail "machines not in the legend"
grep -q "over_from\[2\] = 4;" "$d" || fail "beta's 4 CPUs not shaded"
check_png "$T/two/throughput-vs-threads-cs100.png"
ok "two machines overlaid"

# --- x = cs: one chart set per thread count
"$CONTEND" plot "$DATA/sweep-alpha.json" -o "$T/cs" --x cs >/dev/null 2>&1 || fail "--x cs exited $?"
[ "$(ls "$T"/cs/*-vs-cs-t*.png | wc -l)" -eq 20 ] || fail "--x cs: $(ls "$T"/cs/*.png | wc -l) charts, want 20"
grep -q "logx = 10" "$T/cs/throughput-vs-cs-t2.gp" || fail "cs 100..1000 not on a log axis"

# --- a metric nobody measured: that chart is skipped with a note, the rest drawn
sed -E 's/"p99": [0-9.eE+-]+/"p99": null/' "$DATA/sweep-beta.json" >"$T/nop99.json"
"$CONTEND" plot "$T/nop99.json" -o "$T/nop99" >/dev/null 2>"$T/stderr" || fail "all-null p99 exited $?"
[ -e "$T/nop99/latency-p99-vs-threads.png" ] && fail "latency chart drawn without data"
grep -q "latency-p99-vs-threads.png not drawn" "$T/stderr" || fail "no note about the skipped chart"
check_png "$T/nop99/throughput-vs-threads.png"
ok "all-null metric skipped with a note"

# --- many locks: one family per chart, none with more than 8 series, a
# family past 8 split in parts, an overview of each family's best lock, and
# a lock's colour and marker (lock_idx) the same on every chart. Nine locks
# renamed to names the registry lacks form the "other" family (9 > 8).
# The 18 locks of the first default sweep, whatever the reference holds now.
jq '.results |= map(select(.lock | IN("tas","ttas","cas","ticket","mcs","clh","futex","futex-spin",
	"lll","sem","pthread","pthread-adaptive","pthread-spin","posix-sem","ck-fas","ck-ticket",
	"ck-mcs","ck-clh")))
    | .results |= map(.lock |= ({"tas":"m1","ttas":"m2","cas":"m3","ticket":"m4","mcs":"m5",
	"clh":"m6","futex":"m7","futex-spin":"m8","lll":"m9"}[.] // .))' \
	"$top_srcdir/results/reference/default.json" >"$T/many.json"
"$CONTEND" plot "$T/many.json" -o "$T/many" --format svg >/dev/null 2>"$T/stderr" ||
	fail "18 locks exited $? ($(cat "$T/stderr"))"
for f in other1 other2 sleeping baseline best; do
	[ -s "$T/many/throughput-vs-threads-cs50-$f.svg" ] || fail "no $f chart"
done
[ -e "$T/many/throughput-vs-threads-cs50.svg" ] && fail "an all-locks chart beside the family charts"
max=$(grep -h '^nseries = ' "$T"/many/*.gp | sed 's/nseries = //' | sort -n | tail -1)
[ "$max" -le 8 ] || fail "a chart with $max series"
grep -q "titles\[1\] = 'sem'" "$T/many/fairness-vs-threads-cs1000-sleeping.gp" || fail "sem not among the sleeping locks"
grep -q "'pthread'" "$T/many/throughput-vs-threads-cs50-baseline.gp" || fail "pthread not among the baselines"
# pthread's lock_idx: one value wherever it is drawn.
idx=$(grep -h "titles\[[0-9]*\] = 'pthread'$" "$T"/many/*.gp | sed 's/.*lock_idx\[[0-9]*\] = \([0-9]*\);.*/\1/' | sort -u)
[ "$(printf '%s\n' "$idx" | wc -l)" -eq 1 ] && [ -n "$idx" ] || fail "pthread's look differs between charts: $idx"
# ... and between outputs: its look comes from the registry, not from which
# locks a file holds (sweep-alpha has 4, this one 18).
"$CONTEND" plot "$DATA/sweep-alpha.json" -o "$T/alpha4" >/dev/null 2>&1 || fail "alpha exited $?"
idx4=$(grep -h "titles\[[0-9]*\] = 'pthread'$" "$T"/alpha4/*.gp | sed 's/.*lock_idx\[[0-9]*\] = \([0-9]*\);.*/\1/' | sort -u)
[ "$idx4" = "$idx" ] || fail "pthread's look differs between two outputs: $idx4 vs $idx"
# Three families (sleeping, baseline, other): three series in the overview,
# the baselines' one pthread-adaptive, the fastest of them at cs 50 ns.
grep -q '^nseries = 3$' "$T/many/throughput-vs-threads-cs50-best.gp" || fail "overview not one lock per family"
grep -q "'pthread-adaptive'" "$T/many/throughput-vs-threads-cs50-best.gp" || fail "the best baseline not in the overview"
ok "one family per chart, at most $max series, a lock looks the same on every chart"

# --- an earlier output is replaced whole; anything else is left alone
touch "$out/stale-file"
"$CONTEND" plot "$DATA/sweep-beta.json" -o "$out" >/dev/null 2>&1 || fail "replace exited $?"
[ -e "$out/stale-file" ] && fail "earlier output not replaced"
[ -e "$out/throughput-vs-threads-cs1000.png" ] && fail "old charts kept"
check_png "$out/throughput-vs-threads.png"
mkdir "$T/mine" && echo keep >"$T/mine/notes.txt"
"$CONTEND" plot "$DATA/sweep-beta.json" -o "$T/mine" >/dev/null 2>"$T/stderr" && fail "overwrote a user's directory"
grep -q "not written by contend" "$T/stderr" || fail "refusal unclear: $(cat "$T/stderr")"
[ "$(cat "$T/mine/notes.txt")" = keep ] && [ "$(ls "$T/mine" | wc -l)" -eq 1 ] || fail "user's directory touched"
ls -d "$T"/mine.tmp-* >/dev/null 2>&1 && fail "staging directory left behind"
ok "own output replaced, a user's directory refused and untouched"
finish
