# report_machines.sh - contend report with files from two machines (issue
# 23): tests/data/platform-a.json and the second platform
# tests/data/second-platform.jq makes of it (constructed data: another
# hostname and CPU model, throughput halved, ticket another 5x slower from
# 2 threads). The page must name what differs between the machines, say in
# words how they compare (throughput, scaling efficiency, where the lock
# order flips), draw one curve per machine per lock in the family charts
# and a machines x scenarios heatmap per lock; one machine gets none of it.
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot
command -v jq >/dev/null 2>&1 || tap_skip_all "jq not installed"

a="$DATA/platform-a.json" b="$T/b.json"
jq -f "$DATA/second-platform.jq" "$a" >"$b" || tap_bail "second-platform.jq failed"
out="$T/report"
"$CONTEND" report "$a" "$b" -o "$out" >"$T/stdout" 2>"$T/stderr" ||
	fail "report exited $? ($(cat "$T/stderr"))"
page="$out/index.html"
[ -s "$page" ] || { fail "no index.html"; finish; }
sed -n '/<section id="machines">/,/<\/section>/p' "$page" >"$T/machines"
[ -s "$T/machines" ] || fail "no Machines section"
grep -q '<a href="#machines">Machines</a>' "$page" || fail "Machines not in the navigation"
for want in '<tr><th>hostname</th><td>vm</td><td>constructed-b</td></tr>' \
	'<tr><th>CPU model</th><td>AMD EPYC</td><td>Constructed (test data)</td></tr>' \
	'<tr><th>virtualised</th><td>(not recorded)</td><td>none</td></tr>'; do
	grep -qF "$want" "$T/machines" || fail "identity row missing: $want"
done
grep -q '<tr><th>cores</th>' "$T/machines" && fail "an item both machines share listed as a difference"
grep -q '^<p class="same">The same on all: architecture x86_64; packages 1; NUMA nodes 1; cores 2; CPUs 2;' "$T/machines" ||
	fail "what both share not listed"
ok "Machines section: what differs, what is shared"

# Findings in words. 0.5 for 24 points and 0.1 for ticket's 6 from 2
# threads: geometric mean 0.5^(24/30) x 0.1^(6/30) = 0.40.
finding() { grep -F "<li><b>$1</b>: $2" "$T/machines" >/dev/null || fail "finding missing: $1: $2"; }
finding 'constructed-b against vm' '0.40x the throughput over the 30 points both ran (geometric mean; from 0.10x to 0.50x)'
# Efficiency at 2 threads: 8 oversubscribes these 2 CPUs.
for cs in 50 1000; do
	finding "Scaling efficiency at 2 threads, cs=$cs ncs=0 pin=compact" \
		'the most all machines ran within their CPUs; throughput at 2 threads / (2 x the 1-thread throughput), on vm / constructed-b: tas '
	finding 'ticket on constructed-b' "scales 5.0x worse than on vm at 2 threads (cs=$cs ncs=0 pin=compact)"
done
finding 'Scaling efficiency at 2 threads, cs=1000 ncs=0 pin=compact' \
	'the most all machines ran within their CPUs; throughput at 2 threads / (2 x the 1-thread throughput), on vm / constructed-b: tas 0.494 / 0.494, ticket 0.467 / 0.0935, mcs 0.479 / 0.479,'
[ "$(grep -c '<li><b>[a-z]* on constructed-b</b>: scales' "$T/machines")" -eq 2 ] ||
	fail "a lock that scales the same called different: $(grep '<li><b>[a-z]* on constructed-b' "$T/machines")"
finding 'Lock order, constructed-b against vm' 'ticket beats futex on vm, loses on constructed-b at 2 threads (cs=1000 ncs=0 pin=compact)'
finding 'Lock order, constructed-b against vm' 'ticket beats pthread on vm, loses on constructed-b at 2 threads (cs=1000 ncs=0 pin=compact)'
ok "findings about the machines: throughput, scaling efficiency, order changes"

# A machine with one CPU (every 2-thread point oversubscribed): the
# efficiency falls back to the largest count both ran, and says so.
jq '.results |= map(.oversubscribed = (.threads > 1))' "$b" >"$T/b1.json"
"$CONTEND" report "$a" "$T/b1.json" -o "$T/over" --locks mcs,ticket >/dev/null 2>&1 || fail "report exited $?"
grep -qF '<li><b>Scaling efficiency at 8 threads, cs=50 ncs=0 pin=compact</b>: the most all machines ran, oversubscribed on some;' \
	"$T/over/index.html" || fail "no fallback to an oversubscribed count"
ok "scaling efficiency past the CPUs only when no count is within them"

# One curve per machine per lock, in the family charts.
for l in tas ticket mcs futex pthread; do
	for m in vm constructed-b; do
		grep -lF "'$l @ $m'" "$out"/throughput-vs-threads-cs1000-*.gp >/dev/null ||
			fail "no curve of $l on $m"
	done
done
grep -qF "'ticket @ constructed-b'" "$out/throughput-vs-threads-cs1000-spin.gp" ||
	fail "ticket on constructed-b not in the spin family chart"
ok "one curve per machine per lock family"

# A machines x scenarios heatmap per lock, on the page.
# (check_svg wants a line chart's 20 paths; 2 x 6 cells draw 12 and the scale)
for l in tas ticket mcs futex pthread; do
	f="$out/machines-heatmap-$l.svg"
	[ -f "$f" ] && grep -q '<svg' "$f" && tail -c 200 "$f" | grep -q '</svg>' &&
		[ "$(grep -c '<path' "$f")" -ge 12 ] || fail "$f: not an SVG of 12 cells"
	grep -q "<img src=\"machines-heatmap-$l.svg\"" "$page" || fail "machines-heatmap-$l not on the page"
done
grep -q '^ylabels\[1\] = .vm.$' "$out/machines-heatmap-ticket.gp" &&
	grep -q '^ylabels\[2\] = .constructed-b.$' "$out/machines-heatmap-ticket.gp" ||
	fail "heatmap rows are not the machines"
[ "$(grep -c '^xlabels' "$out/machines-heatmap-ticket.gp")" -eq 6 ] || fail "heatmap columns: want 6 scenarios"
# ticket at 2 and 8 threads on constructed-b: 1/10 of vm's, colour log10 = -1.
n=$(awk -F'\t' '!/^#/ && $2 == 1 && $3 + 0 < -0.99 && $3 + 0 > -1.01' "$out/machines-heatmap-ticket.tsv" | wc -l)
[ "$n" -eq 4 ] || fail "$n ticket cells of constructed-b at 1/10, want 4"
ok "a machines x scenarios heatmap per lock"

# --locks: only those locks count, in the heatmaps and the findings.
"$CONTEND" report "$a" "$b" -o "$T/some" --locks mcs,futex >/dev/null 2>&1 || fail "report --locks exited $?"
ls "$T/some" | grep -q 'machines-heatmap-ticket' && fail "--locks mcs,futex drew ticket's heatmap"
[ -f "$T/some/machines-heatmap-mcs.svg" ] || fail "--locks mcs,futex: no mcs heatmap"
grep -q 'ticket beats' "$T/some/index.html" && fail "--locks mcs,futex: ticket's order change named"
grep -qF 'no two locks swap places' "$T/some/index.html" || fail "--locks mcs,futex: no 'no order change' finding"
ok "--locks applies to the machine heatmaps and findings"

# Negative control: one machine, one file or two, gets no Machines section
# and no machine heatmap (two locks: the section does not depend on them).
"$CONTEND" report "$a" -o "$T/one" --locks mcs,ticket >/dev/null 2>&1 || fail "report of one file exited $?"
"$CONTEND" report "$a" "$a" -o "$T/twice" --locks mcs,ticket >/dev/null 2>&1 || fail "report of one file twice exited $?"
for d in one twice; do
	grep -q 'id="machines"' "$T/$d/index.html" && fail "$d: Machines section for one machine"
	ls "$T/$d" | grep -q '^machines-heatmap' && fail "$d: machine heatmaps for one machine"
done
ok "negative control: one machine, no Machines section or machine heatmaps"
finish
