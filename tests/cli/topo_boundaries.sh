#!/bin/sh
# topo_boundaries.sh - `contend topo` shows what a plan's CPUs span and the
# policy's topology boundaries (issue 23), on a synthetic EPYC-like server
# (2 packages x 4 NUMA nodes x 4 L3s x 8 cores x 2 SMT threads): in text up
# to the plan's threads, in JSON all of them; none when unpinned.
set -u
: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v jq >/dev/null 2>&1 || tap_skip_all "jq is not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
epyc="pack:2 numa:4 l3:4 core:8 pu:2"

"$CONTEND" topo --topology "$epyc" --pin cores --threads 12 > "$tmp/text" 2>&1 ||
	tap_fail "topo: $(cat "$tmp/text")"
grep -qx "span: 12 CPUs, 12 cores (0 with SMT siblings in use), 2 L3s, 1 package, 1 NUMA node" \
	"$tmp/text" || tap_fail "span line: $(grep '^span' "$tmp/text")"
grep -qx "boundaries up to 12 threads (11 of 256):" "$tmp/text" ||
	tap_fail "boundaries line: $(grep '^boundaries' "$tmp/text")"
grep -qx "  9th thread: first on the 2nd L3" "$tmp/text" || tap_fail "no 2nd L3 at 9 threads"
grep -q "13th thread" "$tmp/text" && tap_fail "boundaries past the plan's 12 threads"
tap_case "text: the plan's span and its boundaries up to its threads"

"$CONTEND" topo --topology "$epyc" --pin compact --threads 17 --json > "$tmp/json" 2>&1 ||
	tap_fail "topo --json: $(cat "$tmp/json")"
jq -e '.plan.cpus_span == {pus: 17, cores: 9, smt_shared_cores: 8, l3: 2, packages: 1,
	numa_nodes: 1} and (.plan.boundaries | length) == 256 and
	(.plan.boundaries[] | select(.threads == 257) | .level) == "package"' "$tmp/json" \
	>/dev/null || tap_fail "JSON: $(jq -c '.plan.cpus_span' "$tmp/json")"
tap_case "JSON: plan.cpus_span and all 256 boundaries of compact"

"$CONTEND" topo --topology "$epyc" --pin none --threads 4 --json > "$tmp/none" 2>&1
jq -e '.plan.cpus_span == null and .plan.boundaries == null and
	(.plan.cpus_span_unavailable_reason | test("unpinned"))' "$tmp/none" >/dev/null ||
	tap_fail "none: $(jq -c .plan "$tmp/none")"
"$CONTEND" topo --topology "$epyc" --pin none --threads 4 > "$tmp/none.txt" 2>&1
grep -q "^span\|^boundaries" "$tmp/none.txt" && tap_fail "unpinned text shows a span"
tap_case "unpinned: no span, no boundaries (null with a reason)"

tap_done
