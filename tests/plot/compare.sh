# compare.sh - contend compare on fixtures with known NEW/BASE ratios
# (tests/data/compare-{base,new}.json, built so that):
#   mcs   1 thread   x2.00, intervals apart            -> faster
#   mcs   2 threads  x0.50, intervals apart            -> slower
#   mcs   4 threads  x1.02, intervals overlap          -> within noise
#   futex 1 thread   x1.50, wide intervals overlap     -> within noise
#   futex 2 threads  x1.25, intervals apart            -> within noise (under the default
#                                                         30%); faster at --threshold 0
#   futex 4 threads  only in BASE;  ticket 1 thread only in NEW
#   mcs   8 threads  NEW failed                        -> failed, no ratio
# (two CPU models: compared in platform mode, same verdicts here)
# and tests/data/compare-aa-{base,new}.json (same machine, 6 tight repeats each):
#   mcs    1 thread   x0.85, intervals apart: the drift two runs of one build
#                     showed here                    -> within noise (A/A clean)
#   mcs    2 threads  x0.50                          -> slower (a real 2x is called)
#   ticket 2 threads  repeats in two placement regimes (62 / 320 ns round trip,
#                     12M / 4M acq/s), 4+2 vs 3+3    -> ratio within the shared
#                     regime (1.01), not across (0.67)
#   clh    2 threads  all at 62 ns vs all at 320 ns  -> not comparable
#   futex  1 thread   speed probes 1.4x slower, x0.70 -> not comparable
#   ttas   1 thread   other load 5% vs 45% of its CPU, x0.55 -> not comparable
. "$top_srcdir/tests/lib/plot_lib.sh"

base="$DATA/compare-base.json" new="$DATA/compare-new.json"
"$CONTEND" compare "$base" "$new" >"$T/out" 2>"$T/err" || fail "compare exited $? ($(cat "$T/err"))"
[ -s "$T/err" ] && fail "compare wrote to stderr: $(cat "$T/err")"

# verdict LOCK THREADS -> "RATIO VERDICT" from the table
verdict() {
	awk -v l="$1" -v t="$2" '$1 == l && $2 == t && $5 == "compact" {
		v = $NF; if ($(NF-1) == "within") v = "within noise"
		if ($(NF-1) == "failed") v = "failed " $NF
		for (i = 6; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+$/ || $i == "-") r = $i
		print r, v; exit }' "$3"
}

check() {
	got=$(verdict "$1" "$2" "$4")
	[ "$got" = "$3" ] || fail "$1 $2 threads: '$got', want '$3'"
}
check mcs 1 "2.000 faster" "$T/out"
check mcs 2 "0.500 slower" "$T/out"
check mcs 4 "1.020 within noise" "$T/out"
check futex 1 "1.500 within noise" "$T/out"
check futex 2 "1.250 within noise" "$T/out"
check mcs 8 "- failed (NEW)" "$T/out"
ok "verdicts from the confidence intervals"

# Points in one file only are listed, not dropped.
sed -n '/^only in BASE/,/^$/p' "$T/out" | grep -q '^  futex threads=4 cs=100 ncs=0 pin=compact$' ||
	fail "BASE-only point not listed"
sed -n '/^only in NEW/,/^$/p' "$T/out" | grep -q '^  ticket threads=1 cs=100 ncs=0 pin=compact$' ||
	fail "NEW-only point not listed"
ok "points present in only one file listed"

# Geometric means: mcs (2 x 0.5 x 1.02)^(1/3) = 1.0066; futex sqrt(1.5 x 1.25) = 1.3693;
# all five ratios: (2 x 0.5 x 1.02 x 1.5 x 1.25)^(1/5) = 1.1383.
geo() {
	awk -v l="$1" '/^per lock/ { s = 1; next } /^$/ { s = 0 } s && $1 == l { print $2, $3, $4, $5, $6, $8 }' "$T/out"
}
[ "$(geo mcs)" = "4 1.007 1 1 1 1" ] || fail "mcs summary '$(geo mcs)', want '4 1.007 1 1 1 1' (points geomean faster slower noise failed)"
[ "$(geo futex)" = "2 1.369 0 0 2 0" ] || fail "futex summary '$(geo futex)'"
[ "$(geo '(all)')" = "6 1.138 1 1 3 1" ] || fail "overall summary '$(geo '(all)')'"
ok "geometric mean per lock"

# --threshold 0: the intervals alone decide, a small but certain difference
# is called.
"$CONTEND" compare "$base" "$new" --threshold 0 >"$T/t0" 2>&1 || fail "--threshold 0 exited $?"
check futex 2 "1.250 faster" "$T/t0"
check mcs 1 "2.000 faster" "$T/t0"
check mcs 2 "0.500 slower" "$T/t0"
check mcs 4 "1.020 within noise" "$T/t0"
ok "--threshold 0"

# A/A: what two runs of one build on one machine differ by is not called; a
# real 2x is; regimes are compared within one; a changed machine is named.
aab="$DATA/compare-aa-base.json" aan="$DATA/compare-aa-new.json"
"$CONTEND" compare "$aab" "$aan" >"$T/aa" 2>&1 || fail "A/A compare exited $?"
row() { grep -E "^$1 +$2 " "$T/aa"; }
row mcs 1 | grep -Eq ' 0\.850 +within noise$' || fail "A/A drift x0.85 called: $(row mcs 1)"
row mcs 2 | grep -Eq ' 0\.500 +slower$' || fail "a real 2x not called: $(row mcs 2)"
row ticket 2 | grep -Eq ' 1\.013 +within noise \(regime 63 ns: 4\+3 repeats\)$' ||
	fail "regimes not compared within one: $(row ticket 2)"
row clh 2 | grep -Eq 'not comparable \(never shared a placement regime\)$' ||
	fail "points in different regimes compared: $(row clh 2)"
row futex 1 | grep -Eq 'not comparable \(machine speed differs 1\.40x\)$' ||
	fail "a slower machine read as a slower build: $(row futex 1)"
row ttas 1 | grep -Eq 'not comparable \(other load took 5% / 45% of its CPUs\)$' ||
	fail "a loaded CPU read as a slower build: $(row ttas 1)"
[ "$(awk '/^per lock/ { s = 1; next } s && $1 == "(all)" { print $4, $5, $6, $9 }' "$T/aa")" = "0 1 2 3" ] ||
	fail "A/A summary (faster slower noise not-comparable): $(grep '^(all)' "$T/aa")"
ok "A/A drift within noise, 2x called, regimes, changed machine"

# Repeats split 2+2+2 over three placements (issue 27): no regime holds 3
# repeats of each side, and the note says so in words.
split='(.results[] | select(.lock == "ticket" and .threads == 2) | .per_repeat) |=
	[range(length) as $i | .[$i] | .probe_before.rtt_ns = ([62, 62, 140, 140, 320, 320][$i])
	 | .probe_after.rtt_ns = .probe_before.rtt_ns]'
jq "$split" "$aab" > "$T/split-base.json" && jq "$split" "$aan" > "$T/split-new.json" ||
	fail "jq could not split the fixture"
"$CONTEND" compare "$T/split-base.json" "$T/split-new.json" >"$T/split" 2>&1 || fail "split compare exited $?"
grep -E "^ticket +2 " "$T/split" | grep -q 'no placement regime holds 3 repeats of each' ||
	fail "a 2+2+2 split not said in words: $(grep -E '^ticket +2 ' "$T/split")"
ok "repeats split 2+2+2: no regime holds 3 repeats, said in words"

# Comparing a file with itself: every ratio 1, nothing faster or slower.
"$CONTEND" compare "$base" "$base" >"$T/self" 2>&1 || fail "self compare exited $?"
[ "$(awk '/^per lock/ { s = 1; next } s && $1 == "(all)" { print $2, $3, $4, $5, $6, $8 }' "$T/self")" = "7 1.000 0 0 7 0" ] ||
	fail "self compare summary: $(grep '^(all)' "$T/self")"
grep -Eq ' (faster|slower)$' "$T/self" && fail "a file differs from itself"
grep -q 'only in' "$T/self" && fail "self compare lists unmatched points"
ok "a file compared with itself: all within noise, geomean 1"

# With -o: overlay charts of both machines plus the table as text and TSV.
if command -v gnuplot >/dev/null 2>&1; then
	"$CONTEND" compare "$base" "$new" -o "$T/cmp" >/dev/null 2>"$T/err" || fail "compare -o exited $? ($(cat "$T/err"))"
	check_png "$T/cmp/throughput-vs-threads.png"
	grep -q "'mcs @ BASE: alpha'" "$T/cmp/throughput-vs-threads.gp" &&
		grep -q "'mcs @ NEW: gamma'" "$T/cmp/throughput-vs-threads.gp" || fail "overlay legend lacks the machines"
	[ "$(grep -c . "$T/cmp/compare.tsv")" -eq 7 ] || fail "compare.tsv: $(grep -c . "$T/cmp/compare.tsv") lines, want 7"
	awk -F'\t' '$1 == "mcs" && $2 == 2 { print $17, $18 }' "$T/cmp/compare.tsv" | grep -qx '0.5 slower' ||
		fail "compare.tsv row of mcs 2"
	cmp -s "$T/cmp/compare.txt" "$T/out" || fail "compare.txt differs from the printed table"
	ok "-o: overlay charts, compare.txt, compare.tsv"
	# The interval columns say what they are: not "ci95" whatever the
	# level; the level each side reached is a column of its own.
	head -1 "$T/cmp/compare.tsv" | tr '\t' '\n' > "$T/cols"
	if ! grep -q ci95 "$T/cols" && grep -qx base_ci_low "$T/cols" && grep -qx new_ci_high "$T/cols" &&
		awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			{ b = $c["base_ci_level"]; n = $c["new_ci_level"]
			  if (!(b >= 0 && b < 1 && n >= 0 && n < 1)) bad = 1; if (b > 0) some = 1 }
			END { exit bad || !some }' "$T/cmp/compare.tsv"; then :; else
		fail "compare.tsv columns: $(head -1 "$T/cmp/compare.tsv")"
	fi
	ok "compare.tsv: interval columns named ci_low/ci_high, the level reached beside them"
fi
finish
