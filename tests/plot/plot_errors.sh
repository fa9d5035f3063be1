# plot_errors.sh - bad input to contend plot / report / compare: a one-line
# error naming the file, flag or program, exit 1 (2 for usage errors), and
# no output directory - complete-looking or staging - left behind.
. "$top_srcdir/tests/lib/plot_lib.sh"

# expect STATUS WORD CMD...: exit status STATUS, one line on stderr
# containing WORD, nothing on stdout.
expect() {
	want=$1 word=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -ne "$want" ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$word" "$T/err" ||
	   [ -s "$T/out" ]; then
		fail "'$*': exit $rc (want $want), stderr: $(cat "$T/err") [want one line with '$word']"
	fi
}

good="$DATA/sweep-beta.json"

# Usage errors: exit 2, naming the flag or value.
expect 2 "no results file" "$CONTEND" plot
expect 2 "gif" "$CONTEND" plot "$good" --format gif
expect 2 "diagonal" "$CONTEND" plot "$good" --x diagonal
expect 2 "--bogus" "$CONTEND" plot "$good" --bogus
expect 2 "needs a value" "$CONTEND" plot "$good" -o
expect 2 "nosuch" "$CONTEND" plot "$good" --locks mcs,nosuch
expect 2 "-o DIR is required" "$CONTEND" report "$good"
expect 2 "pdf" "$CONTEND" report "$good" -o "$T/r" --format pdf
expect 2 "two results files" "$CONTEND" compare "$good"
expect 2 "--threshold" "$CONTEND" compare "$good" "$good" --threshold -5
expect 2 "--threshold" "$CONTEND" compare "$good" "$good" --threshold 5x
expect 2 "--mode" "$CONTEND" compare "$good" "$good" --mode machine
check_no_output "$T/r" "report usage error"
ok "usage errors exit 2 with one line naming the flag"

# Bad files: exit 1, the message starts with the file's name; nothing left.
for cmd in plot report; do
	out="$T/$cmd-out"
	expect 1 "$T/missing.json: No such file" "$CONTEND" $cmd "$T/missing.json" -o "$out"
	expect 1 "bad-not-json.json: not JSON" "$CONTEND" $cmd "$DATA/bad-not-json.json" -o "$out"
	expect 1 "bad-other-tool.json: not a contend results file" "$CONTEND" $cmd "$DATA/bad-other-tool.json" -o "$out"
	expect 1 "bad-newer-schema.json: schema_version 4 is newer" "$CONTEND" $cmd "$DATA/bad-newer-schema.json" -o "$out"
	expect 1 "bad-empty-results.json: no points" "$CONTEND" $cmd "$DATA/bad-empty-results.json" -o "$out"
	# A good file followed by a bad one still fails as a whole.
	expect 1 "bad-not-json.json" "$CONTEND" $cmd "$good" "$DATA/bad-not-json.json" -o "$out"
	check_no_output "$out" "$cmd with a bad file"
done
expect 1 "bad-other-tool.json: not a contend" "$CONTEND" compare "$good" "$DATA/bad-other-tool.json" -o "$T/cmp"
check_no_output "$T/cmp" "compare with a bad file"
# A file that breaks the schema names the key.
sed 's/"threads": 2,/"threads": "2",/' "$good" >"$T/badtype.json"
expect 1 "results[1].threads: expected integer, got string" "$CONTEND" plot "$T/badtype.json" -o "$T/bt"
check_no_output "$T/bt" "plot of a file with a bad type"
ok "missing / not JSON / other tool / newer schema / empty / mistyped files"

# No gnuplot: one line naming it, no directory.
if command -v env >/dev/null; then
	expect 1 "gnuplot: not found" env PATH=/nonexistent "$CONTEND" plot "$good" -o "$T/nogp"
	check_no_output "$T/nogp" "plot without gnuplot"
	expect 1 "gnuplot" env PATH=/nonexistent "$CONTEND" report "$good" -o "$T/nogp"
	check_no_output "$T/nogp" "report without gnuplot"
fi
expect 1 "CONTEND_GNUPLOT=$T/none" env CONTEND_GNUPLOT="$T/none" "$CONTEND" plot "$good" -o "$T/nogp"
expect 1 "CONTEND_PLOTS_DIR=$T" env CONTEND_PLOTS_DIR="$T" "$CONTEND" plot "$good" -o "$T/nogp"
check_no_output "$T/nogp" "plot without templates"

# gnuplot failing half-way: its message comes through and the staging
# directory, with the TSV and charts written so far, is removed.
cat >"$T/badgnuplot" <<'GP'
#!/bin/sh
echo '"throughput-vs-threads.gp" line 3: simulated failure' >&2
exit 1
GP
chmod +x "$T/badgnuplot"
expect 1 "simulated failure" env CONTEND_GNUPLOT="$T/badgnuplot" "$CONTEND" plot "$good" -o "$T/gpfail"
check_no_output "$T/gpfail" "a failing gnuplot"
# ... and an earlier complete output stays as it was.
if command -v gnuplot >/dev/null 2>&1; then
	"$CONTEND" plot "$good" -o "$T/keep" >/dev/null 2>&1 || fail "plot exited $?"
	before=$(ls "$T/keep" | wc -l)
	expect 1 "simulated failure" env CONTEND_GNUPLOT="$T/badgnuplot" "$CONTEND" plot "$DATA/sweep-alpha.json" -o "$T/keep"
	[ "$(ls "$T/keep" | wc -l)" -eq "$before" ] && [ -e "$T/keep/throughput-vs-threads.png" ] ||
		fail "a failed run damaged the earlier output"
	ls -d "$T"/keep.tmp-* >/dev/null 2>&1 && fail "staging directory left behind"
fi
ok "gnuplot missing or failing: one line, nothing left behind"
finish
