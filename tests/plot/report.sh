# report.sh - contend report writes a self-contained index.html: every chart
# it references exists and is valid, the machine, configuration, warnings
# and the table of every point are there, nulls show as "-", and a failed
# point shows as FAILED without figures.
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot

out="$T/report"
"$CONTEND" report "$DATA/sweep-alpha.json" -o "$out" >"$T/stdout" 2>"$T/stderr" ||
	fail "report exited $? ($(cat "$T/stderr"))"
page="$out/index.html"
[ -s "$page" ] || { fail "no index.html"; finish; }

# Every image the page shows is a file beside it, and a valid SVG.
sed -n 's/.*<img src="\([^"]*\)".*/\1/p' "$page" >"$T/imgs"
n=$(wc -l <"$T/imgs")
[ "$n" -eq 15 ] || fail "$n charts in the page, want 15 (14 line charts and the heatmap)"
while read -r img; do
	case $img in
	*/* | http* | "") fail "image '$img' is not a plain file name beside index.html" ;;
	*) check_svg "$out/$img" ;;
	esac
done <"$T/imgs"
# Self-contained: nothing fetched from elsewhere.
grep -Eq '(src|href)="(https?:)?//' "$page" && fail "page references the network"
ok "$n charts referenced, all present and valid SVG; no external resource"

for want in "AMD EPYC 7B13" "Linux 6.1.0-27-amd64" "glibc 2.36" "cs_ns" "sample_every" \
	"Warnings" "FAILED" "Noisy" "Machine changed" "Hardware counters not measured" \
	"points.tsv"; do
	grep -qF "$want" "$page" || fail "page lacks '$want'"
done
# Failed warning comes before the noisy one.
f=$(grep -n 'FAILED:' "$page" | head -1 | cut -d: -f1)
q=$(grep -n 'Noisy:' "$page" | head -1 | cut -d: -f1)
[ -n "$f" ] && [ -n "$q" ] && [ "$f" -lt "$q" ] || fail "failed-point warning not first"

# Warnings condensed: one line per kind with its count, the points folded
# in <details>; never more than 10 lines visible.
sed -n '/<section id="warnings">/,/<\/section>/p' "$page" >"$T/warn"
visible=$(grep -c 'class="warn' "$T/warn")
[ "$visible" -ge 4 ] && [ "$visible" -le 10 ] || fail "$visible warning lines visible, want 4..10"
grep -q '<li class="warn"><details><summary>Noisy: 1 point with' "$T/warn" || fail "noisy warning not one counted line"
grep -q '<li class="warn bad"><details><summary>FAILED: 1 point saw' "$T/warn" || fail "failed warning not one counted line"
grep -q '^<li><code>ticket threads=8 cs=1000' "$T/warn" || fail "failed point not listed under its line"

# Three interrupted sweeps: still one incomplete-sweep line, each file folded
# under it, and the summary says so for each.
for k in 1 2 3; do
	jq '.complete = false | .interrupted_by = "SIGINT"' "$DATA/sweep-alpha.json" >"$T/part$k.json"
done
"$CONTEND" report "$T/part1.json" "$T/part2.json" "$T/part3.json" -o "$T/parts" >/dev/null 2>&1 ||
	fail "three incomplete files exited $?"
sed -n '/<section id="warnings">/,/<\/section>/p' "$T/parts/index.html" >"$T/pw"
[ "$(grep -c 'class="warn' "$T/pw")" -le 10 ] || fail "more than 10 warning lines visible"
grep -q 'Incomplete sweep: 3 of 3 files were interrupted' "$T/pw" || fail "incomplete sweeps not one counted line"
[ "$(grep -c 'part[123].json</code> was interrupted by SIGINT' "$T/pw")" -eq 3 ] || fail "interrupted files not folded under the line"
[ "$(sed -n '/<section id="summary">/,/<\/section>/p' "$T/parts/index.html" | sed 's/<[^>]*>//g' |
	grep -c 'Incomplete sweep: interrupted by SIGINT')" -eq 3 ] ||
	fail "summary does not name each incomplete sweep"
ok "warnings condensed: one line per kind, at most 10 visible"

# The table: one row per point; the failed one without figures; nulls as "-".
rows=$(grep -c '^<tr data-lock=' "$page")
failed_rows=$(grep -c '^<tr class="failed" data-lock=' "$page")
[ $((rows + failed_rows)) -eq 32 ] || fail "$rows + $failed_rows table rows, want 32"
[ "$failed_rows" -eq 1 ] || fail "$failed_rows failed rows, want 1"
grep '^<tr class="failed"' "$page" | grep -q '<td>FAILED</td><td colspan="11">3 mutual-exclusion violations' ||
	fail "failed row shows figures"
# The text of cell N of the row that starts with lock, threads, cs.
cell() {
	grep "^<tr[^>]*><td>$1</td><td>$2</td><td data-v=\"$3\">" "$page" |
		sed 's/<\/td>/\n/g' | sed -n "$4p" | sed 's/<[^>]*>//g'
}
# futex, 4 threads, cs 100: p99 null -> "-" in the p99 column (14th cell).
p99=$(cell futex 4 100 14)
[ "$p99" = "-" ] || fail "null p99 shown as '$p99'"
# pthread, 2 threads, cs 100: cv null -> "-" (9th cell).
cv=$(cell pthread 2 100 9)
[ "$cv" = "-" ] || fail "null cv shown as '$cv'"
# Units in the headers, flags explained where they stand.
for h in 'throughput (acq/s)' 'cs (ns)' 'p99 wait (ns)' 'csw/acq'; do
	grep -qF ">$h</th>" "$page" || fail "no header '$h'"
done
grep -q '<span class="flag" title="more threads than CPUs' "$page" || fail "oversubscribed flag not explained in place"
grep -q '<dt>noisy</dt>' "$page" || fail "flags not explained under the table"
ok "machine, configuration, warnings, table with '-' for nulls and a figure-less failed row"

# HTML special characters in the data are escaped.
sed 's/"hostname": "alpha"/"hostname": "<b>al\&pha<\/b>"/' "$DATA/sweep-alpha.json" >"$T/esc.json"
"$CONTEND" report "$T/esc.json" -o "$T/esc" --format png >/dev/null 2>&1 || fail "report png exited $?"
grep -q '&lt;b&gt;al&amp;pha&lt;/b&gt;' "$T/esc/index.html" || fail "hostname not escaped"
grep -q '<b>al&pha' "$T/esc/index.html" && fail "raw markup from the data in the page"
check_png "$T/esc/throughput-vs-threads-cs100.png"
ok "data escaped; PNG report"

# The heatmap: locks x (threads, cs); the best lock of each column has
# colour 0 (log10 of 1), the others below; the failed point (ticket, 8
# threads, cs 1000) is a "failed" cell without colour.
grep -q '<img src="throughput-heatmap.svg"' "$page" || fail "no heatmap in the page"
hm="$out/throughput-heatmap.tsv"
awk -F'\t' '!/^#/ { if ($3 == 0) best[$1]++; if ($3 != "NaN" && $3 > 0) bad++ } END {
	n = 0; for (c in best) n++; if (n != 8 || bad) exit 1 }' "$hm" || fail "heatmap: not one best (0) per column of 8, or a colour above 0"
grep -q "	NaN	failed	" "$hm" || fail "heatmap: failed point not a colourless 'failed' cell"
grep -q "^array ylabels\[4\]" "$out/throughput-heatmap.gp" || fail "heatmap: not 4 lock rows"
ok "heatmap of throughput relative to each column's best"

# Two machines side by side.
"$CONTEND" report "$DATA/sweep-alpha.json" "$DATA/sweep-beta.json" -o "$T/two" >/dev/null 2>&1 ||
	fail "two-file report exited $?"
grep -q '<th data-key="machine">machine</th>' "$T/two/index.html" || fail "no machine column for two files"
grep -q 'Intel(R) Xeon(R) Gold 6338' "$T/two/index.html" || fail "second machine missing"
# NEW/BASE ratios of the points both measured (beta: mcs and futex at cs
# 100), the same chart compare -o writes.
r="$T/two/ratio-heatmap-beta-vs-alpha.tsv"
grep -q '<img src="ratio-heatmap-beta-vs-alpha.svg"' "$T/two/index.html" || fail "no ratio heatmap"
[ "$(grep -vc '^#' "$r")" -eq 8 ] || fail "ratio heatmap: $(grep -vc '^#' "$r") cells, want 8 (2 locks x 4 thread counts)"
"$CONTEND" compare "$DATA/sweep-alpha.json" "$DATA/sweep-beta.json" -o "$T/cmp" >/dev/null 2>&1
grep -v '^#' "$r" >"$T/ratio.report"
grep -hv '^#' "$T"/cmp/ratio-heatmap-*.tsv >"$T/ratio.compare"
cmp -s "$T/ratio.report" "$T/ratio.compare" || fail "compare -o does not write the same ratio heatmap"
ok "two-machine report, with the NEW/BASE heatmap compare -o writes too"
finish
