#!/bin/sh
# cli_bad.sh - bad command lines of every subcommand, from one table: each
# must exit 2, print on stderr a first line "contend SUB: ..." that names
# the bad option or operand (and at most one more line), print nothing on
# stdout, and write nothing: the working directory (which holds the input
# files) and every -o target stay as they were.
# (tests/cli/run_cli.sh has the long table for `contend run` alone.)
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
: "${top_srcdir:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
good_json=$top_srcdir/fuzz/corpus-results/run-2locks-2threads.json

# subcommand <TAB> arguments (split on blanks; "(none)" for none) <TAB>
# text the first line must contain. Inputs in the working directory:
# a.json and b.json (valid results), the spec files tests/data/spec-*.json;
# missing.xml and missing.json do not exist. An input
# file that cannot be read is not a usage error for plot, report and
# compare (exit 1, see tests/plot/plot_errors.sh), so it is not in this table.
cat > "$tmp/table" <<'ROWS'
run	--threads 0	--threads
run	--threads 99999	--threads
run	--threads	--threads
run	--cs 10parsecs	--cs
run	--ncs -1us	--ncs
run	--locks nosuch	--locks
run	--duration 0	--duration
run	--duration 1e300s	--duration
run	--warmup soon	--warmup
run	--repeat 0	--repeat
run	--format xml	--format
run	--pin nowhere	--pin
run	--mem node:99	--mem
run	--sample-every sometimes	--sample-every
run	--permits 0	--permits
run	--bogus	--bogus
run	stray	stray
run	--spec missing.json	missing.json
run	--spec spec-bad-key.json	spec-bad-key.json: unknown key 'thread'
run	--spec spec-bad-type.json	spec-bad-type.json: key 'repeat'
run	--spec spec-bad-value.json	spec-bad-value.json: key 'threads'
run	--spec spec-not-json.json	spec-not-json.json
run	--spec spec-newer.json	spec-newer.json: key 'contend_spec'
run	--spec a.json	a.json: key 'contend_spec'
run	--spec spec-ok.json --threads 2	--threads
run	--spec spec-ok.json --spec spec-ok.json	--spec
run	--spec	--spec
run	--save-spec	--save-spec
run	--save-spec /nonexistent-dir/s.json	--save-spec
run	--save-spec new.json --threads 0	--threads
run	--spec spec-ok.json --save-spec spec-ok.json	--save-spec
list	--bogus	--bogus
probe	--cpus 0,4096	--cpus
probe	--cpus x	--cpus
probe	--cpus	--cpus
probe	--repeat 0	--repeat
probe	--bogus	--bogus
probe	stray	stray
list	--json=yes	--json
list	stray	stray
topo	--threads 0	--threads
topo	--threads many	--threads
topo	--threads	--threads
topo	--pin nowhere	--pin
topo	--topology missing.xml	missing.xml
topo	--bogus	--bogus
topo	stray	stray
profile	--lock nosuch -- true	--lock
profile	--lock ck-clh -- true	--lock
profile	--top 0 -- true	--top
profile	--frames 17 -- true	--frames
profile	--top +5 -- true	--top
topo	--threads +4	--threads
profile	--compare-locks tas,nosuch -- true	--compare-locks
profile	--lock tas --compare-locks mcs -- true	--compare-locks
profile	--bogus -- true	--bogus
profile	--lock tas	no command
plot	a.json --format gif	--format
plot	a.json --x latency	--x
plot	a.json --bogus	--bogus
plot	a.json --locks nosuch	--locks
plot	a.json -o	-o
plot	(none)	no results file
report	a.json	-o
report	a.json -o out --format pdf	--format
report	a.json -o out --x latency	--x
report	a.json -o out --bogus	--bogus
report	a.json -o out --locks nosuch	--locks
report	-o out	no results file
compare	a.json	two results files
compare	a.json b.json --threshold -5	--threshold
compare	a.json b.json --threshold lots	--threshold
compare	a.json b.json --mode both	--mode
compare	a.json b.json -o out --format gif	--format
compare	a.json b.json --bogus	--bogus
ROWS

n=0
subs=
while IFS='	' read -r sub args want; do
	n=$((n + 1))
	[ "$args" = "(none)" ] && args=
	case " $subs " in *" $sub "*) ;; *) subs="$subs $sub" ;; esac
	dir=$tmp/case$n
	mkdir "$dir"
	cp "$good_json" "$dir/a.json"
	cp "$good_json" "$dir/b.json"
	cp "$top_srcdir"/tests/data/spec-*.json "$dir/"
	(cd "$dir" && find . | sort) > "$tmp/before"
	# shellcheck disable=SC2086 # the row's arguments are a word list
	(cd "$dir" && exec "$CONTEND" $sub $args) > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
	rc=$?
	(cd "$dir" && find . | sort) > "$tmp/after"
	first=$(sed -n 1p "$tmp/stderr")
	lines=$(wc -l < "$tmp/stderr")
	what="$sub $args"
	if [ $rc -ne 2 ]; then
		tap_not_ok "$what: exit $rc, want 2 ($(head -c 300 "$tmp/stderr"))"
	elif ! printf '%s\n' "$first" | grep -q "^contend $sub: "; then
		tap_not_ok "$what: first line is not 'contend $sub: ...': $first"
	elif ! printf '%s\n' "$first" | grep -qF -- "$want"; then
		tap_not_ok "$what: '$first' does not name '$want'"
	elif [ "$lines" -gt 2 ]; then
		tap_not_ok "$what: $lines lines on stderr, want 1 (or 2 with a hint)"
		tap_diag_file "$tmp/stderr"
	elif [ -s "$tmp/stdout" ]; then
		tap_not_ok "$what: printed on stdout: $(head -c 200 "$tmp/stdout")"
	elif ! cmp -s "$tmp/before" "$tmp/after"; then
		tap_not_ok "$what: wrote files:"; diff "$tmp/before" "$tmp/after" | sed -n 's/^> /#   /p'
	else
		tap_ok "$what -> $first"
	fi
	rm -rf "$dir"
done < "$tmp/table"

# Every subcommand of `contend --help` has rows.
for sub in $("$CONTEND" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
	case " $subs " in
	*" $sub "*) ;;
	*) tap_not_ok "subcommand '$sub' has no bad command lines in the table" ;;
	esac
done

tap_done
