#!/bin/sh
# run_cli.sh - `contend run` option handling: every bad value gives exit 2,
# one line naming the option, and creates no file; good runs print the
# table, CSV and JSON, and the JSON file can be read with jq.
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ncpu=$(nproc)
over=$((ncpu * 4))

# args<TAB>text the message must contain
cat > "$tmp/bad" <<ROWS
--locks foo	--locks: unknown lock 'foo'
--locks tas,,mcs	--locks
--locks	needs a value
--threads 0	--threads: '0'
--threads -3	--threads: '-3'
--threads abc	--threads: 'abc'
--threads 3-1	--threads: range '3-1'
--threads 1,	--threads
--threads 0x	--threads
--threads $over	--oversubscribe
--cs 10parsecs	--cs: '10parsecs' has an unknown unit
--cs -5ns	--cs: '-5ns'
--ncs x	--ncs
--duration 0	--duration: '0'
--duration 5c	--duration
--duration soon	--duration
--warmup -1s	--warmup
--repeat 0	--repeat: '0'
--repeat many	--repeat
--pin foo	--pin
--pin 0,0	--pin
--pin 4096	--pin
--mem node:7	--mem
--mem far	--mem
--format xml	--format: 'xml'
--permits 0	--permits
--nlocks 0	--nlocks
--cs-lines 0	--cs-lines
--sample-every 0	--sample-every
--seed -1	--seed
--dist gauss	--dist
--bogus-flag	unknown option '--bogus-flag'
extra	unexpected argument 'extra'
-o /nonexistent-dir/r.json	-o: cannot write '/nonexistent-dir/r.json'
-o $tmp	-o: '$tmp' is a directory
ROWS

n=0
while IFS='	' read -r args want; do
	n=$((n + 1))
	rm -f "$tmp/out.json"
	# shellcheck disable=SC2086 # the row is a word list on purpose
	( cd "$tmp" && "$CONTEND" run -q -o "$tmp/out.json" $args ) >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	msg=$(cat "$tmp/stderr")
	lines=$(wc -l < "$tmp/stderr")
	if [ $rc -ne 2 ]; then
		tap_not_ok "run $args: exit $rc, want 2 ($msg)"
	elif ! grep -qF -- "$want" "$tmp/stderr"; then
		tap_not_ok "run $args: message '$msg' does not name '$want'"
	elif [ "$lines" -ne 1 ]; then
		tap_not_ok "run $args: $lines lines on stderr, want 1"
	elif [ -e "$tmp/out.json" ] || [ -e "$tmp/results" ]; then
		tap_not_ok "run $args: created a file"
	elif [ -s "$tmp/stdout" ]; then
		tap_not_ok "run $args: printed on stdout"
	else
		tap_ok "run $args -> $msg"
	fi
done < "$tmp/bad"

for sub in "list --json extra" "list --bogus" "nosuchcommand" "--bogus"; do
	# shellcheck disable=SC2086
	"$CONTEND" $sub >/dev/null 2>"$tmp/stderr"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ]; then
		tap_ok "$sub -> $(cat "$tmp/stderr")"
	else
		tap_not_ok "contend $sub: exit $rc"
	fi
done

# Good runs: the issue's example, then the formats.
"$CONTEND" run --locks ticket,mcs,futex --threads 1,2,8 --oversubscribe --cs 100ns \
	--duration 50ms --warmup 10ms --repeat 3 -q -o "$tmp/r.json" > "$tmp/table" 2>"$tmp/err"
rc=$?
rows=$(grep -cE '^(ticket|mcs|futex) ' "$tmp/table")
if [ $rc -eq 0 ] && [ "$rows" -eq 9 ]; then
	tap_ok "example sweep: 9 table rows"
else
	tap_not_ok "example sweep: exit $rc, $rows rows"; cat "$tmp/table" "$tmp/err" | sed "s/^/# /"
fi
# The interval's level is the one 3 repeats reach ([min, max]: 75%), not 95%.
if grep -q 'CI 75%' "$tmp/table" && ! grep -q '95% CI' "$tmp/table"; then
	tap_ok "table header prints the CI level reached (75% for 3 repeats)"
else
	tap_not_ok "table header does not print the 75% CI level of 3 repeats"
	head -2 "$tmp/table" | sed "s/^/# /"
fi
if "$top_builddir/tests/lib/check_results" "$tmp/r.json" >"$tmp/check" 2>&1; then
	tap_ok "results JSON follows results/SCHEMA.md"
else
	tap_not_ok "contend run wrote JSON that does not follow results/SCHEMA.md"
	tap_diag_file "$tmp/check"
fi
if command -v jq >/dev/null; then
	if jq -e '.schema_version == 3 and .complete == true and (.results | length) == 9
	    and ([.results[] | select(.threads == 8) | .oversubscribed] | all)
	    and ([.results[] | .per_repeat | length == 3] | all)
	    and ([.results[] | .status == "ok"] | all)
	    and ([.results[] | (.machine_changed | type) == "boolean"
	          and has("regimes") and (has("probe_moved") | not)
	          and ([.per_repeat[] | has("regime") and has("foreign_share")] | all)] | all)
	    and (.meta.tsc.hz > 0)' "$tmp/r.json" >/dev/null; then
		tap_ok "results JSON read with jq"
	else
		tap_not_ok "results JSON content"
	fi
	# meta.virtualization: on x86 the CPUID hypervisor bit (cpuinfo's
	# "hypervisor" flag) decides "none" against a hypervisor's name;
	# elsewhere a name, or null with its reason.
	virt=$(jq -r '.meta.virtualization' "$tmp/r.json")
	if [ "$(uname -m)" = x86_64 ]; then
		if grep -qw hypervisor /proc/cpuinfo; then
			case $virt in none|null|'') false ;; *) true ;; esac
		else
			[ "$virt" = none ]
		fi
	else
		jq -e '(.meta.virtualization | type) == "string" or
			(.meta.virtualization_unavailable_reason | type) == "string"' "$tmp/r.json" >/dev/null
	fi && tap_ok "meta.virtualization '$virt' agrees with the CPU's hypervisor flag" ||
		tap_not_ok "meta.virtualization '$virt' (cpuinfo hypervisor flag: $(grep -cw hypervisor /proc/cpuinfo))"
fi

"$CONTEND" run --locks tas --threads 1 --cs 0 --duration 20ms --warmup 0 --repeat 2 \
	--format csv -q -o "$tmp/c.json" > "$tmp/csv" 2>&1
if [ $? -eq 0 ] && head -1 "$tmp/csv" | grep -q '^lock,threads,cs_ns' &&
   [ "$(grep -c '^tas,1,' "$tmp/csv")" -eq 1 ] &&
   # 2 repeats: the [min, max] interval covers the median at 50%
   [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ci_level") c = i }
		  NR == 2 && c { print $c }' "$tmp/csv")" = 0.5 ]; then
	tap_ok "--format csv"
else
	tap_not_ok "--format csv"; cat "$tmp/csv" | sed "s/^/# /"
fi
"$CONTEND" run --locks tas --threads 1 --cs 0 --duration 20ms --repeat 1 -q \
	-o "$tmp/one.json" > "$tmp/one" 2>&1
if [ $? -eq 0 ] && grep -q 'CI –' "$tmp/one"; then
	tap_ok "one repeat: no CI level (–)"
else
	tap_not_ok "one repeat: the table must say the CI has no level (–)"; head -2 "$tmp/one" | sed "s/^/# /"
fi
"$CONTEND" run --locks tas --threads 1 --cs 0 --duration 20ms --repeat 1 --format json -q \
	-o "$tmp/j.json" > "$tmp/json" 2>&1
if [ $? -eq 0 ] && { ! command -v jq >/dev/null ||
	jq -e '.results[0].lock == "tas"' "$tmp/json" >/dev/null; }; then
	tap_ok "--format json"
else
	tap_not_ok "--format json"
fi

tap_done
