#!/bin/sh
# run_interrupt.sh - SIGINT / SIGTERM during a sweep: the sweep stops, writes
# the points it finished as valid JSON with "complete": false, and exits
# 130 / 143. The file is never left half-written.
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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
		tap_not_ok "SIG$sig: exit $rc, want $want"; tap_diag_file "$tmp/stderr"
		continue
	fi
	if ! [ -s "$out" ]; then
		tap_not_ok "SIG$sig: no results file"
		continue
	fi
	if command -v jq >/dev/null; then
		if jq -e --arg s "SIG$sig" '.complete == false and .interrupted_by == $s
		    and (.results | length) >= 1 and ([.results[] | .repeats >= 1] | all)' \
		    "$out" >/dev/null; then
			tap_ok "SIG$sig: exit $rc, partial results valid ($(jq '.results | length' "$out") points)"
		else
			tap_not_ok "SIG$sig: results file content"
		fi
	else
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["complete"] is not False)' "$out" &&
			tap_ok "SIG$sig: valid JSON" || tap_not_ok "SIG$sig: valid JSON"
	fi
	if ls -a "$tmp" | grep -q '\.tmp\.'; then
		tap_not_ok "SIG$sig: no temporary file left"
	else
		tap_ok "SIG$sig: no temporary file left"
	fi
done
tap_done
