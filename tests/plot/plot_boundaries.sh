# plot_boundaries.sh - charts against threads draw a labelled rule at each
# topology boundary of the sweep (results' top-level `boundaries`), from the
# fixture tests/data/topology-knees.json: a synthetic 16-CPU machine with two
# L3s of 4 SMT cores, compact pinning. Checked in the gnuplot drivers (what
# is drawn is what the driver says) and in one rendered chart.
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot
command -v jq >/dev/null 2>&1 || tap_skip_all "jq is not installed"
fix="$DATA/topology-knees.json"

out="$T/one"
"$CONTEND" plot "$fix" -o "$out" >/dev/null 2>"$T/stderr" || fail "plot: $(cat "$T/stderr")"
d="$out/throughput-vs-threads.gp"
grep -qx 'n_bound = 8' "$d" || fail "want 8 rules: $(grep n_bound "$d")"
grep -qF "bound_x[5] = 8.5; bound_level[5] = 2; bound_text[5] = '2nd L3 (9)'" "$d" ||
	fail "no rule '2nd L3 (9)' between 8 and 9 threads"
grep -qF "bound_text[1] = 'SMT sibling (2)'" "$d" || fail "no SMT rule at 2 threads"
grep -qF "'8th core (15)'" "$d" || fail "no core rule at 15 threads"
for g in "$out"/*-vs-threads.gp; do
	grep -qx 'n_bound = 8' "$g" || fail "$(basename "$g"): $(grep n_bound "$g")"
done
check_png "$out/throughput-vs-threads.png"
ok "rules at the fixture's 8 boundaries in every chart against threads, labelled"

# Not against cs, and not from a file without boundaries (negative controls).
"$CONTEND" plot "$fix" --x cs -o "$T/cs" >/dev/null 2>&1 || fail "plot --x cs"
[ "$(grep -h '^n_bound = ' "$T"/cs/*.gp | sort -u)" = "n_bound = 0" ] ||
	fail "--x cs drew rules: $(grep -h '^n_bound' "$T"/cs/*.gp | sort -u)"
jq 'del(.boundaries)' "$fix" > "$T/old.json"
"$CONTEND" plot "$T/old.json" -o "$T/old" >/dev/null 2>&1 || fail "plot without boundaries"
[ "$(grep -h '^n_bound = ' "$T"/old/*.gp | sort -u)" = "n_bound = 0" ] ||
	fail "rules without boundaries"
ok "no rules against cs, none from a file without boundaries"

# One thread per core: a rule at every thread says nothing; the core rules
# go, the wider ones stay.
jq '.boundaries = ([range(2;17) | {threads: ., level: "core", ordinal: ., text: "t"}]
	| map(if .threads == 9 then .level = "package" | .ordinal = 2 else . end))' \
	"$fix" > "$T/cores.json"
"$CONTEND" plot "$T/cores.json" -o "$T/cores" >/dev/null 2>&1 || fail "plot cores.json"
d="$T/cores/throughput-vs-threads.gp"
{ grep -qx 'n_bound = 1' "$d" && grep -qF "'2nd package (9)'" "$d"; } ||
	fail "14 core rules + 1 package: $(grep bound_text "$d")"
ok "core rules left out when there are more than 8 in range; a package rule kept"

# Two machines with other boundaries: each one's L3 / node / package rules,
# named; the same boundaries: one set.
jq '.meta.hostname = "other" | .boundaries = [
	{threads: 5, level: "l3", ordinal: 2, text: "5th thread: first on the 2nd L3"},
	{threads: 9, level: "package", ordinal: 2, text: "9th thread: first on the 2nd package"}]' \
	"$fix" > "$T/other.json"
"$CONTEND" plot "$fix" "$T/other.json" -o "$T/two" >/dev/null 2>&1 || fail "plot two machines"
d="$T/two/throughput-vs-threads.gp"
{ grep -qx 'n_bound = 3' "$d" && grep -qF "'l3pair: 2nd L3 (9)'" "$d" &&
  grep -qF "'other: 2nd L3 (5)'" "$d" && grep -qF "'other: 2nd package (9)'" "$d"; } ||
	fail "two machines: $(grep -E 'n_bound|bound_text' "$d")"
jq '.meta.hostname = "twin"' "$fix" > "$T/twin.json"
"$CONTEND" plot "$fix" "$T/twin.json" -o "$T/twin" >/dev/null 2>&1 || fail "plot twins"
grep -qx 'n_bound = 8' "$T/twin/throughput-vs-threads.gp" || fail "twins: not one set of 8"
ok "machines with other boundaries: each one's wide rules, named; equal ones drawn once"

finish
