#!/bin/sh
# crash_safety.sh - `contend run` killed with SIGKILL at random moments,
# CRASH_KILLS (60) times in a row on the same -o file. SIGKILL cannot be
# caught, so only the write discipline protects the file (temporary file in
# the same directory, fsync, rename over the target). After every kill the
# file must be
#   - absent, but only while no run ever finished a write,
#   - byte-identical to the version before that run, or
#   - a new, complete results document: valid JSON that the schema check
#     (tests/lib/check_results, the reader of plot/report/compare) accepts.
# Kill moments are drawn from /dev/urandom, uniform over the time a whole
# run takes (measured first), so they land in start-up, in the sweep,
# during the round checkpoints and during the final write alike.
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
kills=${CRASH_KILLS:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

checker=${top_builddir:-.}/tests/lib/check_results
if [ -x "$checker" ]; then
	is_valid() { "$checker" "$1" > "$tmp/check.out" 2>&1; }
elif command -v jq > /dev/null; then
	is_valid() { jq -e '.schema_version == 3 and (.results | type == "array")' "$1" \
		> "$tmp/check.out" 2>&1; }
else
	tap_skip_all "neither tests/lib/check_results nor jq to validate the files"
fi

# A short sweep with several rounds, so a run writes the file more than
# once (one checkpoint per round, then the final version).
sweep="run --locks tas,futex --threads 1,2 --cs 50ns --duration 5ms --warmup 0 --repeat 3 -q"

# Milliseconds since the epoch (GNU date).
now_ms() { date +%s%3N; }

t0=$(now_ms)
# shellcheck disable=SC2086 # $sweep is a word list
if ! "$CONTEND" $sweep -o "$tmp/timing.json" > /dev/null 2>&1; then
	tap_bail "the sweep does not run to the end"
fi
run_ms=$(( $(now_ms) - t0 + 20 ))
rm -f "$tmp/timing.json"
# On a loaded machine the sweep may take long: kill within 2 s anyway.
[ $run_ms -gt 2000 ] && run_ms=2000
tap_diag "one sweep takes ~${run_ms} ms; killing $kills sweeps at random moments in [0, $run_ms] ms"

out=$tmp/out/results.json
mkdir "$tmp/out"
have_prev=0
absent=0 same=0 new=0 finished=0
i=0
while [ $i -lt "$kills" ]; do
	i=$((i + 1))
	rnd=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	delay_ms=$((rnd % run_ms))
	# Started directly (no function or subshell around it), so that $!
	# is contend itself and the kill cannot leave it running.
	# shellcheck disable=SC2086
	"$CONTEND" $sweep -o "$out" > /dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	kill -KILL $pid 2>/dev/null
	# (the shell's "Killed" notice is not news here)
	{ wait $pid; } 2>/dev/null
	rc=$?
	[ $rc -eq 0 ] && finished=$((finished + 1))
	if [ $rc -ne 0 ] && [ $rc -ne 137 ]; then
		tap_fail "the sweep exited $rc before the kill"
	fi
	if [ ! -e "$out" ]; then
		state="no file yet"
		[ $have_prev -eq 1 ] && tap_fail "the results file disappeared"
		absent=$((absent + 1))
	elif [ $have_prev -eq 1 ] && cmp -s "$out" "$tmp/prev.json"; then
		state="the previous version"
		same=$((same + 1))
	elif is_valid "$out"; then
		state="a new valid version"
		new=$((new + 1))
		cp "$out" "$tmp/prev.json"
		have_prev=1
	else
		state="corrupt"
		tap_fail "the results file is neither the previous version nor a valid results file:"
		{ head -c 300 "$out"; echo; cat "$tmp/check.out"; } | sed 's/^/# /'
		cp "$out" "$tmp/prev.json"
		have_prev=1
	fi
	tap_case "kill $i at ${delay_ms} ms: the results file is $state"
done

# Temporary files of killed writers stay behind (nothing runs after
# SIGKILL); they must never be mistaken for the results file.
strays=$(find "$tmp/out" -type f ! -name results.json | wc -l)
tap_diag "after $kills kills: $absent absent, $same unchanged, $new new valid versions," \
	"$finished runs finished before their kill; $strays temporary files left by killed writers"
[ $new -gt 0 ] || tap_fail "no kill came after a completed write"
tap_case "replacement exercised: $new kills came after a completed write"
tap_done
