#!/bin/sh
# spec.sh - `contend run --save-spec` / `--spec` and config.spec_hash: a
# sweep written once runs unchanged, its hash is the same from the command
# line and from the file and does not depend on the host (relative values
# stay as written), compare says when two files were not the same sweep,
# and a spec cannot be changed from the command line. Bad spec files are
# in tests/cli/cli_bad.sh. Each run is one tiny point pair (~1 s in all).
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v jq >/dev/null 2>&1 || tap_skip_all "jq is not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || tap_bail "cannot cd to $tmp"

sweep="--locks tas,ticket --threads 1,1x --cs 50ns --duration 10ms --warmup 2ms --repeat 1 --seed 7"

# --save-spec writes the spec and runs nothing.
# shellcheck disable=SC2086 # a word list on purpose
"$CONTEND" run $sweep --save-spec s.json -o never.json > out 2> err
rc=$?
[ $rc -eq 0 ] || tap_fail "exit $rc: $(cat err)"
[ -e never.json ] && tap_fail "--save-spec ran the sweep (never.json written)"
ls results >/dev/null 2>&1 && tap_fail "--save-spec wrote a results directory"
[ -s out ] && tap_fail "--save-spec printed on stdout"
jq -e '.contend_spec == 1 and .threads == "1,1x" and .locks == "tas,ticket" and
       .cs == "50ns" and .repeat == 1 and .seed == 7 and .oversubscribe == false and
       .spin_budget == null and .sample_every == "auto" and .pin == "compact"' s.json \
	>/dev/null || { tap_fail "spec content"; tap_diag_file s.json; }
hash=$(sed -n 's/.*(\(fnv1a64:[0-9a-f]\{16\}\)).*/\1/p' err)
[ -n "$hash" ] || tap_fail "no hash on stderr: $(cat err)"
tap_case "--save-spec writes the spec (relative '1x' kept as written), runs nothing"

# The hash is of the spec, not the host: with one CPU allowed, "1x" is
# another thread count but the same spec.
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
	# shellcheck disable=SC2086
	taskset -c 0 "$CONTEND" run $sweep --save-spec one-cpu.json -q 2>err
	cmp -s s.json one-cpu.json || tap_fail "spec differs with one CPU: $(diff s.json one-cpu.json)"
	tap_case "the same spec (and hash) with one CPU allowed (taskset -c 0)"
else
	tap_skip "taskset cannot restrict CPUs here" "the same spec with one CPU allowed"
fi

# Run from the spec, and straight from the command line: same hash.
"$CONTEND" run --spec s.json -q -o from-spec.json --format csv > /dev/null 2> err ||
	tap_fail "run --spec: $(cat err)"
# shellcheck disable=SC2086
"$CONTEND" run $sweep -q -o from-cli.json --format csv > /dev/null 2> err ||
	tap_fail "run from the command line: $(cat err)"
for f in from-spec.json from-cli.json; do
	got=$(jq -r '.config.spec_hash' "$f")
	[ "$got" = "$hash" ] || tap_fail "$f: config.spec_hash $got, want $hash"
done
jq -S '.config.spec' from-spec.json > stored
jq -S . s.json > saved
cmp -s stored saved || tap_fail "config.spec differs from the spec file: $(diff saved stored)"
jq -e '.config.locks == ["tas","ticket"] and .config.repeats == 1 and
       (.results | length) == (if .config.threads == [1] then 2 else 4 end)' from-spec.json \
	>/dev/null || tap_fail "the spec's sweep did not run as written"
tap_case "run --spec: the spec's sweep, config.spec_hash = the saved hash = a command-line run's"

# compare: the same sweep says nothing, another sweep one line, a file
# without a hash one line.
"$CONTEND" compare from-cli.json from-spec.json > same 2>&1
grep -q "^sweep:" same && tap_fail "same sweep, yet: $(grep '^sweep:' same)"
# shellcheck disable=SC2086
"$CONTEND" run $sweep --cs 60ns -q -o other.json --format csv > /dev/null 2>&1
[ "$(jq -r '.config.spec_hash' other.json)" != "$hash" ] || tap_fail "--cs 60ns: same hash"
"$CONTEND" compare from-spec.json other.json > diff 2>&1
[ "$(grep -c '^sweep: NOT the same sweep' diff)" -eq 1 ] || { tap_fail "other sweep:"; tap_diag_file diff; }
jq 'del(.config.spec_hash, .config.spec)' from-cli.json > old.json
"$CONTEND" compare old.json from-spec.json > nohash 2>&1
grep -q "^sweep: not known to be the same sweep: BASE has no config.spec_hash" nohash ||
	{ tap_fail "no hash:"; tap_diag_file nohash; }
tap_case "compare: silent on the same sweep, one line on another sweep or a missing hash"

# A spec runs unchanged: only output options may be added.
"$CONTEND" run --spec s.json --threads 2 -o x.json > out 2> err
rc=$?
{ [ $rc -eq 2 ] && grep -q -- "--threads cannot be combined with --spec" err && [ ! -e x.json ]; } ||
	tap_fail "--spec + --threads: exit $rc, $(cat err)"
"$CONTEND" run --spec=s.json --format json -q -o y.json > y.out 2> err ||
	tap_fail "--spec= with output options: $(cat err)"
jq -e '.config.spec_hash' y.out >/dev/null 2>&1 || tap_fail "--format json stdout has no hash"
tap_case "--spec refuses sweep options on the command line, takes -o/--format/-q"

# A spec written by hand: missing keys take the defaults; it is saved
# back in canonical form (every key), with the same hash as its run.
printf '{"contend_spec": 1, "locks": "tas", "threads": "1", "cs": "0",\n "duration": "10ms", "warmup": "0", "repeat": 1}\n' > hand.json
"$CONTEND" run --spec hand.json --save-spec canon.json -q 2> err || tap_fail "$(cat err)"
jq -e '(keys | length) == 18 and .ncs == "0" and .mem == "local" and .dist == "fixed"' canon.json \
	>/dev/null || { tap_fail "canonical form"; tap_diag_file canon.json; }
"$CONTEND" run --spec hand.json -q -o hand-run.json --format csv > /dev/null 2>&1
"$CONTEND" run --spec canon.json -q -o canon-run.json --format csv > /dev/null 2>&1
[ "$(jq -r .config.spec_hash hand-run.json)" = "$(jq -r .config.spec_hash canon-run.json)" ] ||
	tap_fail "a hand-written spec and its canonical form hash differently"
tap_case "a partial spec takes the defaults; its canonical form has the same hash"

tap_done
