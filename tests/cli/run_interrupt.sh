#!/bin/sh
# run_interrupt.sh - SIGINT / SIGTERM during a sweep: the sweep stops, writes
# the points it finished as valid JSON with "complete": false, and exits
# 130 / 143. The file is never left half-written.
set -u
: "${CONTEND:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

for sig in INT TERM; do
	out="$tmp/$sig.json"
	"$CONTEND" run --locks tas,futex --threads 1,2 --cs 50ns --duration 100ms \
		--warmup 10ms --repeat 50 -q -o "$out" > "$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
	# Let at least one round finish (4 points x ~0.15 s).
	sleep 2
	kill -s "$sig" $pid
	wait $pid
	rc=$?
	want=130
	[ $sig = TERM ] && want=143
	if [ $rc -ne $want ]; then
		echo "FAIL: SIG$sig: exit $rc, want $want"; cat "$tmp/stderr"; fail=1
		continue
	fi
	if ! [ -s "$out" ]; then
		echo "FAIL: SIG$sig: no results file"; fail=1
		continue
	fi
	if command -v jq >/dev/null; then
		if jq -e --arg s "SIG$sig" '.complete == false and .interrupted_by == $s
		    and (.results | length) >= 1 and ([.results[] | .repeats >= 1] | all)' \
		    "$out" >/dev/null; then
			echo "ok   SIG$sig: exit $rc, partial results valid ($(jq '.results | length' "$out") points)"
		else
			echo "FAIL: SIG$sig: results file content"; fail=1
		fi
	else
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["complete"] is not False)' "$out" &&
			echo "ok   SIG$sig: valid JSON" || { echo "FAIL: SIG$sig JSON"; fail=1; }
	fi
	ls -a "$tmp" | grep -q '\.tmp\.' && { echo "FAIL: SIG$sig left a temporary file"; fail=1; }
done
[ $fail -eq 0 ] && echo "PASS: interrupted sweeps keep their finished points"
exit $fail
