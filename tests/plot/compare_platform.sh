# compare_platform.sh - contend compare across two machines (issue 23).
# A is tests/data/platform-a.json (the reference sweep of this 2-vCPU VM, 5
# locks); B is made from it by tests/data/second-platform.jq the way a
# second machine differs: another hostname and CPU model, placement probes
# with a 5x faster round trip and a 0.6x speed probe, throughput halved,
# ticket another 5x slower from 2 threads. Constructed data: the checks are
# of what compare computes, not of any machine.
. "$top_srcdir/tests/lib/plot_lib.sh"
command -v jq >/dev/null 2>&1 || tap_skip_all "jq not installed"

a="$DATA/platform-a.json" b="$T/b.json"
jq -f "$DATA/second-platform.jq" "$a" >"$b" || tap_bail "second-platform.jq failed"

"$CONTEND" compare "$a" "$b" >"$T/out" 2>"$T/err" || fail "compare exited $? ($(cat "$T/err"))"
[ -s "$T/err" ] && fail "compare wrote to stderr: $(cat "$T/err")"
grep -q '^platform mode (CPU model differs)' "$T/out" || fail "not in platform mode: $(sed -n 3p "$T/out")"
# summary line (all): POINTS GEOMEAN FASTER SLOWER WITHIN_NOISE NO_CI FAILED NOT_COMPARABLE
allrow() { awk '/^per lock/ { s = 1; next } /^$/ { s = 0 } s && $1 == "(all)" { $1 = ""; print substr($0, 2) }' "$1"; }
[ "$(allrow "$T/out")" = "30 0.403 0 30 0 0 0 0" ] ||
	fail "summary '$(allrow "$T/out")', want every one of 30 points slower, none not comparable"
grep -q 'not comparable (' "$T/out" && fail "a point is not comparable: $(grep 'not comparable (' "$T/out" | head -1)"
# Every row of the table: 1, 2 and 8 threads alike, x0.5 or x0.1 called slower.
n=$(grep -Ec '^(tas|ticket|mcs|futex|pthread) +[128] +(50|1000) +0 +compact .* 0\.(500|100) +slower$' "$T/out")
[ "$n" -eq 30 ] || fail "$n of 30 rows slower at x0.5 / x0.1"
ok "platform mode: a verdict on every point where both sides are ok"

# Identity differences first, before the table.
idline() { grep -E "^  $1 +$2 +\| $3\$" "$T/out"; }
idline hostname vm constructed-b >/dev/null || fail "hostname difference not printed"
idline 'CPU model' 'AMD EPYC' 'Constructed \(test data\)' >/dev/null ||
	fail "CPU model difference not printed"
idline virtualised '\(not recorded\)' none >/dev/null || fail "virtualisation difference not printed"
grep -q '^same on both: architecture x86_64; packages 1; NUMA nodes 1; cores 2; CPUs 2; SMT no;' "$T/out" ||
	fail "shared identity not printed"
[ "$(grep -n '^machines: what differs' "$T/out" | cut -d: -f1)" -lt "$(grep -n '^LOCK ' "$T/out" | head -1 | cut -d: -f1)" ] ||
	fail "identity differences not before the table"
ok "identity differences printed first"

# Scaling efficiency: throughput at T / (T x 1-thread throughput), each
# machine, against the same figure computed here from the JSON.
eff() { # FILE LOCK CS T
	jq -r --arg l "$2" --argjson cs "$3" --argjson t "$4" '[.results[] | select(.lock == $l and .cs_ns == $cs)] |
		(map(select(.threads == $t))[0].throughput.median) / ($t * map(select(.threads == 1))[0].throughput.median)' "$1"
}
effrow() { # LOCK CS: "base2 new2 base8 new8" as printed (3 significant digits)
	awk -v l="$1" -v cs="$2" '/^scaling efficiency/ { s = 1 } s && $0 ~ "^cs=" cs " " { b = 1; next }
		b && /^$/ { b = 0 } b && $1 == l { print $2, $3, $4, $5; exit }' "$T/out"
}
for l in tas ticket mcs futex pthread; do
	for cs in 50 1000; do
		want="$(eff "$a" $l $cs 2) $(eff "$b" $l $cs 2) $(eff "$a" $l $cs 8) $(eff "$b" $l $cs 8)"
		got=$(effrow $l $cs)
		# 3 significant digits: within 0.5 % of the exact figure
		echo "$got $want" | awk 'NF != 8 { exit 1 } { for (i = 1; i <= 4; i++) {
			d = $i - $(i + 4); if (d < 0) d = -d; if (d > 0.005 * $(i + 4)) exit 1 } }' ||
			fail "$l cs=$cs efficiency '$got', want '$want'"
	done
done
# ticket scales 5x worse on B; mcs the same on both.
effrow ticket 1000 | awk '{ exit !($2 < $1 / 4.9 && $2 > $1 / 5.1) }' || fail "ticket efficiency not 5x lower on B: $(effrow ticket 1000)"
effrow mcs 1000 | awk '{ exit !($1 == $2 && $3 == $4) }' || fail "mcs efficiency differs: $(effrow mcs 1000)"
[ "$(grep -cx '(8 threads oversubscribe BASE and NEW: there the figure includes how the scheduler shares the CPUs)' "$T/out")" -eq 2 ] ||
	fail "oversubscribed thread counts not marked"
grep -q '^(2 threads oversubscribe' "$T/out" && fail "2 threads on 2 CPUs marked oversubscribed"
ok "scaling efficiency per lock on each machine"

# The order of the locks, and where it changes: on A ticket is clear of
# futex and pthread at 2 threads and cs 1000; on B below both.
grep -qx '  BASE vm: tas > mcs ~ ticket > futex ~ pthread' "$T/out" || fail "order on A (cs 1000, 2 threads) not printed"
grep -qx '  NEW  constructed-b: tas > mcs > futex ~ pthread > ticket' "$T/out" || fail "order on B not printed"
grep -q '^order changes .*: 2$' "$T/out" || fail "order changes: $(grep '^order changes' "$T/out")"
grep -qx '  ticket beats futex on vm, loses on constructed-b at 2 threads (cs=1000 ncs=0 pin=compact)' "$T/out" ||
	fail "ticket/futex order change not named"
grep -qx '  ticket beats pthread on vm, loses on constructed-b at 2 threads (cs=1000 ncs=0 pin=compact)' "$T/out" ||
	fail "ticket/pthread order change not named"
ok "lock order per machine and the order changes"

# Negative control: the same pair under the one-machine rules gets today's
# verdicts: 2- and 8-thread points never shared a placement regime.
"$CONTEND" compare "$a" "$b" --mode same >"$T/same" 2>&1 || fail "--mode same exited $?"
grep -q '^platform mode' "$T/same" && fail "--mode same still in platform mode"
nc=$(grep -Ec '^[a-z]+ +[28] .*not comparable \(never shared a placement regime\)$' "$T/same")
[ "$nc" -ge 15 ] || fail "--mode same: $nc multi-thread points not comparable, want >= 15 (today's rules)"
grep -Eq '^[a-z]+ +[28] .* (slower|faster)$' "$T/same" && fail "--mode same called a multi-thread point"
grep -q '^scaling efficiency' "$T/same" && fail "--mode same printed the platform summary"
ok "negative control: --mode same gives the one-machine 'not comparable'"

# Same machine: A/A pairs keep the one-machine rules (compare.sh checks
# their verdicts); a file with itself is not two platforms either.
"$CONTEND" compare "$DATA/compare-aa-base.json" "$DATA/compare-aa-new.json" >"$T/aa" 2>&1 || fail "A/A exited $?"
grep -q '^platform mode' "$T/aa" && fail "an A/A pair compared as two platforms"
grep -Eq '^mcs +1 .* 0\.850 +within noise$' "$T/aa" || fail "A/A drift called: $(grep -E '^mcs +1 ' "$T/aa")"
"$CONTEND" compare "$a" "$a" >"$T/self" 2>&1 || fail "self compare exited $?"
grep -q '^platform mode' "$T/self" && fail "a file compared with itself as two platforms"
[ "$(allrow "$T/self")" = "30 1.000 0 0 30 0 0 0" ] || fail "self compare: $(allrow "$T/self")"
# Forced platform mode on one machine: nothing differs, nothing called.
"$CONTEND" compare "$a" "$a" --mode platform >"$T/selfp" 2>&1 || fail "--mode platform exited $?"
grep -q '^platform mode (--mode platform)' "$T/selfp" && grep -q '^  (nothing recorded differs)$' "$T/selfp" ||
	fail "--mode platform on one file: $(sed -n 3,4p "$T/selfp")"
[ "$(allrow "$T/selfp")" = "30 1.000 0 0 30 0 0 0" ] || fail "--mode platform self: $(allrow "$T/selfp")"
grep -q '^order changes .*: 0$' "$T/selfp" || fail "a file's order differs from itself"
ok "same machine keeps the A/A rules; forced platform mode on one file calls nothing"

# -o: compare.tsv keeps its columns and adds mode, efficiencies and ranks.
if command -v gnuplot >/dev/null 2>&1; then
	"$CONTEND" compare "$a" "$b" -o "$T/cmp" >/dev/null 2>"$T/err" || fail "compare -o exited $? ($(cat "$T/err"))"
	head -1 "$T/cmp/compare.tsv" | grep -q '	ratio	verdict	note	base_ci_level	new_ci_level	mode	base_efficiency	new_efficiency	base_rank	new_rank$' ||
		fail "compare.tsv header: $(head -1 "$T/cmp/compare.tsv")"
	# columns looked up by their names in the header line
	col='NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }'
	row=$(awk -F'\t' "$col"' $1 == "ticket" && $2 == 2 && $3 == 1000 { printf "%s %s %.4f %.4f %s %s", $c["ratio"], $c["verdict"], $c["base_efficiency"], $c["new_efficiency"], $c["base_rank"], $c["new_rank"] }' "$T/cmp/compare.tsv")
	[ "$row" = "0.1 slower $(eff "$a" ticket 1000 2 | awk '{ printf "%.4f", $1 }') $(eff "$b" ticket 1000 2 | awk '{ printf "%.4f", $1 }') 3 5" ] ||
		fail "compare.tsv ticket 2 threads cs 1000: '$row'"
	awk -F'\t' "$col"' $c["mode"] != "platform" { exit 1 }' "$T/cmp/compare.tsv" || fail "compare.tsv mode column"
	ok "-o: compare.tsv with the platform columns"
fi
finish
