#!/bin/sh
# topo.sh - `contend topo`: output for this machine and synthetic
# topologies, JSON shape, and usage errors (exit 2, naming flag and value).
: "${top_srcdir:?}" "${CONTEND:?CONTEND is not set (run through make check)}"
. "$top_srcdir/tests/lib/tap.sh"
tmp=${TMPDIR:-/tmp}/contend-topo-sh.$$
trap 'rm -f "$tmp".out "$tmp".err' EXIT

# expect STATUS PATTERN -- ARGS...: exit status and a pattern on stdout+stderr
expect() {
	want_rc=$1 pattern=$2
	shift 3
	"$CONTEND" topo "$@" >"$tmp.out" 2>"$tmp.err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		tap_not_ok "contend topo $*: exit $rc, want $want_rc"; tap_diag_file "$tmp.err"
	elif ! cat "$tmp.out" "$tmp.err" | grep -q -- "$pattern"; then
		tap_not_ok "contend topo $*: no '$pattern' in:"; cat "$tmp.out" "$tmp.err" | sed "s/^/# /"
	else
		tap_ok "contend topo $* -> $rc, '$pattern'"
	fi
}

expect 0 'Usage: contend topo' -- --help
expect 0 'allowed CPUs:' --
expect 0 'pin compact' --
synth="pack:2 numa:1 core:4 pu:2"
expect 0 'PUs:           16 (SMT)' -- --topology "$synth"
expect 0 'OVERSUBSCRIBED' -- --topology "$synth" --threads 20 --oversubscribe
expect 0 'shares its CPU with 1 other thread' -- --topology "$synth" --threads 17 --oversubscribe
expect 0 'unpinned' -- --topology "$synth" --pin none
expect 2 "needs --oversubscribe: only 16 CPUs" -- --topology "$synth" --threads 20
expect 2 "unknown policy 'foo'" -- --pin foo
expect 2 "invalid CPU list '3-1'" -- --pin 3-1
expect 2 "CPU 99 is not available" -- --topology "$synth" --pin 0,99
expect 2 "--threads 'x'" -- --threads x
expect 2 "--threads '0'" -- --threads 0
expect 2 "--topology: 'bogus'" -- --topology bogus
expect 2 "unknown option '--frobnicate'" -- --frobnicate
expect 2 "needs a value" -- --pin
expect 2 "unexpected argument 'extra'" -- extra

# scatter on two packages: threads 0 and 1 on different packages (JSON)
expect 0 '"oversubscribed": false' -- --topology "$synth" --pin scatter --threads 2 --json
if command -v jq >/dev/null 2>&1; then
	pk=$(jq -r '[.plan.per_thread[].package] | unique | length' "$tmp.out")
	if [ "$pk" != 2 ]; then
		tap_not_ok "scatter threads 0, 1 share a package (jq: $pk)"
	else
		tap_ok "scatter JSON puts threads 0, 1 on 2 packages"
	fi
	"$CONTEND" topo --json >"$tmp.out" || tap_not_ok "contend topo --json: exit $?"
	if jq -e '.topology.pus >= 1 and (.topology.allowed_cpus | type == "string") and .this_machine' \
		"$tmp.out" >/dev/null; then
		tap_ok "this machine's JSON has pus, allowed_cpus"
	else
		tap_not_ok "this machine's JSON:"; tap_diag_file "$tmp.out"
	fi
fi
tap_done
