#!/bin/sh
# check.sh - the judge of make check-machines: reads what each guest sent
# back (tests/machines/guest_init.sh wrote it, machines.sh unpacked it) and
# prints TAP. Arguments: pairs of OUTDIR SPEC, SPEC being the machine qemu
# was told to emulate ("packages=2 numa_nodes=4 cores=8 pus=16 smt=true").
# $CONTEND is the host's contend (for report).
#
# What is compared with what: the topology contend reports with the one
# qemu emulates and with the kernel's own sysfs view (sysfs.txt); the CPU
# each thread was sampled on from inside the run (per_thread[].placement,
# results/SCHEMA.md) with the CPU the plan gave it, and the plan with the
# pin policy's meaning on the sysfs topology; the node the kernel reports
# for the lock's page and each thread's data with the node the results
# claim; the oversubscribed sweep's completeness and mutual exclusion; the
# probe's pairs with all pairs of its CPUs; that report draws.
#
# Every check runs once more on a broken input that it must reject: the
# guest's runs under the planted bugs of misplace.c (pinning, placement),
# or a copy of a good output with one thing wrong (a node, a violation, a
# missing pair, a truncated file). A check that accepts its broken input
# could pass anything, and fails the target.
set -u
: "${srcdir:?}" "${CONTEND:?}"
. "$srcdir/tests/lib/tap.sh"
command -v jq >/dev/null || tap_bail "no jq"
tmp=$(mktemp -d) || tap_bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# Each check_* prints why it rejects on stdout (one line per reason) and
# returns 1, or returns 0 silently.

# sysfs.txt (cpu package core node siblings) as JSON.
sysjson() {
	jq -R -s '[split("\n")[] | select(length > 0) | split(" ") |
		{cpu: (.[0] | tonumber), package: (.[1] | tonumber),
		 core: (.[2] | tonumber), node: (.[3] | tonumber), siblings: .[4]}]
		| sort_by(.cpu)' "$1"
}

# ran DIR NAME: the guest's command NAME exited 0.
ran() {
	[ "$(cat "$1/$2.rc" 2>/dev/null)" = 0 ] && return 0
	echo "$2: exit $(cat "$1/$2.rc" 2>/dev/null || echo '(none)'):" \
		"$(head -c 300 "$1/$2.err" 2>/dev/null | tr '\n' ' ')"
	return 1
}

# check_topo TOPO-JSON SYSFS-JSON SPEC
check_topo() {
	jq -r --argjson sys "$(cat "$2")" --arg spec "$3" '
	($spec | split(" ") | map(split("=") | {(.[0]): (.[1] | fromjson)}) | add) as $want
	| ($sys | map(.node) | unique | length) as $snodes
	| [ (.topology | {packages, numa_nodes, cores, pus, smt}) as $got
	    | ($want | to_entries[] | select($got[.key] != .value)
	       | "contend topo: \(.key) \($got[.key]), the machine has \(.value)"),
	    (if ($sys | map(.package) | unique | length) != $want.packages
	       then "sysfs: \($sys | map(.package) | unique | length) packages" else empty end),
	    (if $snodes != $want.numa_nodes then "sysfs: \($snodes) nodes" else empty end),
	    (if ($sys | map([.package, .core]) | unique | length) != $want.cores
	       then "sysfs: \($sys | map([.package, .core]) | unique | length) cores" else empty end),
	    (if ($sys | length) != $want.pus then "sysfs: \($sys | length) CPUs" else empty end),
	    (.plan.per_thread[] as $t | ($sys[] | select(.cpu == $t.cpu)) as $s
	     | select($s.node != $t.node or $s.package != $t.package)
	     | "topo plan: CPU \($t.cpu) on package \($t.package) node \($t.node);"
	       + " sysfs: package \($s.package) node \($s.node)"),
	    (if (.plan.per_thread | length) != $want.pus
	       then "topo plan: \(.plan.per_thread | length) threads" else empty end)
	  ] | .[]' "$1" > "$tmp/why" || echo "contend topo: not JSON" >> "$tmp/why"
	cat "$tmp/why"
	[ ! -s "$tmp/why" ]
}

# check_pin RESULTS SYSFS-JSON POLICY: every thread sampled only on its
# planned CPU, and the plan is the policy's.
check_pin() {
	jq -r --argjson sys "$(cat "$2")" --arg pin "$3" '
	($sys | map({(.cpu | tostring): .}) | add) as $at
	| ($sys | map(.package) | unique | length) as $npkg
	| ($sys | map([.package, .core]) | unique | length) as $ncores
	| ($sys | length) as $ncpu
	| (.results | length) as $np
	| [ (if $np == 0 then "no points" else empty end),
	    (if .complete != true then "the sweep is not complete" else empty end),
	    (.results[] | . as $p | "\(.lock) \(.threads) threads --pin \($pin)" as $where
	     | [.cpus[] | $at[tostring]] as $c
	     | (.per_thread[]
		| . as $t
		| (if $t.cpu != $p.cpus[$t.thread] then
		     "\($where): thread \($t.thread) cpu \($t.cpu), the plan \($p.cpus[$t.thread])"
		   else empty end),
		  (if $t.placement == null then "\($where): thread \($t.thread): no placement record"
		   elif $t.placement.cpu_samples[1] == null or $t.placement.cpu_samples[2] == null
		   then "\($where): thread \($t.thread): samples missing \($t.placement.cpu_samples)"
		   else ($t.placement.cpu_samples[] | select(. != null and . != $t.cpu)
			 | "\($where): thread \($t.thread) planned on CPU \($t.cpu) ran on CPU \(.)")
		   end)),
	       (if ($p.cpus | unique | length) != ($p.cpus | length)
		then "\($where): two threads planned on one CPU \($p.cpus)" else empty end),
	       (if $p.threads == $ncpu and ($p.cpus | sort) != ($sys | map(.cpu))
		then "\($where): \($p.cpus) does not cover the CPUs" else empty end),
	       (if $pin == "compact" then
		  (range(0; $p.threads - 1) as $i
		   | select([$c[$i].package, $c[$i].node] > [$c[$i + 1].package, $c[$i + 1].node])
		   | "\($where): compact goes back from package/node \($c[$i].package)/\($c[$i].node)"
		     + " to \($c[$i + 1].package)/\($c[$i + 1].node) at thread \($i + 1)"),
		  (range(0; ($p.threads / 2 | floor)) as $k
		   | select(($c[2 * $k].siblings | test("[-,]"))
			    and [$c[2 * $k].package, $c[2 * $k].core]
				!= [$c[2 * $k + 1].package, $c[2 * $k + 1].core])
		   | "\($where): compact threads \(2 * $k) and \(2 * $k + 1) are not SMT siblings")
		elif $pin == "cores" then
		  ([$c[0:([$p.threads, $ncores] | min)][] | [.package, .core]] | unique | length) as $d
		  | select($d != ([$p.threads, $ncores] | min))
		  | "\($where): cores puts two of its first threads on one core"
		elif $pin == "scatter" then
		  ([$c[0:([$p.threads, $npkg] | min)][] | .package] | unique | length) as $d
		  | select($d != ([$p.threads, $npkg] | min))
		  | "\($where): scatter fills a package before using the next"
		else
		  ($pin | split(",") | map(tonumber)) as $list
		  | select($p.cpus != $list[0:$p.threads])
		  | "\($where): cpus \($p.cpus), the list \($list[0:$p.threads])"
		end))
	  ] | .[]' "$1" > "$tmp/why" 2>&1 || echo "$1: not JSON" >> "$tmp/why"
	head -20 "$tmp/why"
	[ ! -s "$tmp/why" ]
}

# check_mem RESULTS SYSFS-JSON POLICY: the lock's page and every thread's
# data are on the nodes the results claim, the kernel's policy is the one
# --mem names.
check_mem() {
	jq -r --argjson sys "$(cat "$2")" --arg mem "$3" '
	($sys | map({(.cpu | tostring): .node}) | add) as $node
	| ($sys | map(.node) | unique) as $nodes
	| [ (if .meta.numa.placement != $mem
	       then "meta.numa.placement \(.meta.numa.placement), asked \($mem)" else empty end),
	    (if (.results | length) == 0 then "no points" else empty end),
	    (.results[] | . as $p | "\(.lock) \(.threads) threads --mem \($mem)" as $where
	     | .lock_placement as $l
	     | (if $l == null then "\($where): no lock_placement"
		elif $mem == "interleave" then
		  (if $l.policy != "interleave" or $l.policy_nodes != $nodes
		   then "\($where): the lock page has policy \($l.policy) \($l.policy_nodes)"
		   elif ($nodes | index($l.node)) == null
		   then "\($where): the lock on node \($l.node)" else empty end)
		else
		  (if $mem == "local" then $node[$p.cpus[0] | tostring]
		   else ($mem | ltrimstr("node:") | tonumber) end) as $want
		  | (if $l.node_asked != $want
		     then "\($where): results claim node \($l.node_asked), --mem means \($want)"
		     else empty end),
		    (if $l.node != $want
		     then "\($where): the lock page is on node \($l.node), claimed \($want)"
		     else empty end),
		    (if $l.policy != "bind" or $l.policy_nodes != [$want]
		     then "\($where): the lock page has policy \($l.policy) \($l.policy_nodes)"
		     else empty end)
		end),
	       (.per_thread[] | . as $t | $node[$t.cpu | tostring] as $want
		| select($t.placement.cpu_node != $want or $t.placement.data_node != $want)
		| "\($where): thread \($t.thread) on CPU \($t.cpu) (node \($want)): cpu_node"
		  + " \($t.placement.cpu_node), its data on node \($t.placement.data_node)"))
	  ] | .[]' "$1" > "$tmp/why" 2>&1 || echo "$1: not JSON" >> "$tmp/why"
	head -20 "$tmp/why"
	[ ! -s "$tmp/why" ]
}

# check_over RESULTS NCPUS: the sweep reached 4x the CPUs, every point ok
# and without a mutual exclusion violation.
check_over() {
	jq -r --argjson n "$2" '
	[ (if .complete != true then "the sweep is not complete" else empty end),
	  (if ([.results[].threads] | max) != 4 * $n
	     then "largest point \([.results[].threads] | max) threads, want \(4 * $n)"
	     else empty end),
	  (.results | group_by(.lock)[] | select(map(.threads) | index(4 * $n) == null)
	   | "\(.[0].lock): no \(4 * $n)-thread point"),
	  (.results[] | select(.status != "ok" or .violations != 0
			       or (.threads > $n and .oversubscribed != true))
	   | "\(.lock) \(.threads) threads: status \(.status), violations \(.violations),"
	     + " oversubscribed \(.oversubscribed)")
	] | .[]' "$1" > "$tmp/why" 2>&1 || echo "$1: not JSON" >> "$tmp/why"
	head -20 "$tmp/why"
	[ ! -s "$tmp/why" ]
}

# check_probe PROBE-JSON NCPUS: one positive round trip for every pair of
# the CPUs the probe says it covers (all of them, at most the first 16).
check_probe() {
	jq -r --argjson n "$2" '
	([$n, 16] | min) as $m
	| [ (.pairs | map([.a, .b] | sort) | unique) as $got
	    | [range(0; $m) as $a | range($a + 1; $m) as $b | [$a, $b]] as $want
	    | (if $got != $want then "pairs covered: \($got | length), all pairs of CPUs"
		 + " 0-\($m - 1): \($want | length); missing \($want - $got | .[0:5])" else empty end),
	    (if (.pairs | length) != ($got | length) then "a pair probed twice" else empty end),
	    (.pairs[] | select((.rtt_ns | type) != "number" or .rtt_ns <= 0)
	     | "pair \(.a)-\(.b): round trip \(.rtt_ns)")
	  ] | .[]' "$1" > "$tmp/why" 2>&1 || echo "$1: not JSON" >> "$tmp/why"
	head -20 "$tmp/why"
	[ ! -s "$tmp/why" ]
}

# check_report RESULTS DIR: contend report draws it.
check_report() {
	rm -rf "$2"
	if ! "$CONTEND" report "$1" -o "$2" > "$tmp/report.out" 2>&1; then
		echo "contend report: $(head -c 300 "$tmp/report.out" | tr '\n' ' ')"
		return 1
	fi
	n=0
	for svg in "$2"/*.svg; do
		[ -f "$svg" ] && n=$((n + 1))
	done
	[ -f "$2/index.html" ] && [ "$n" -gt 0 ] && return 0
	echo "contend report: no index.html or no chart in $2 ($n svg)"
	return 1
}

# judge NAME COMMAND...: a case that must pass.
judge() {
	name=$1
	shift
	if "$@" > "$tmp/out" 2>&1; then
		tap_ok "$name"
	else
		tap_not_ok "$name"
		tap_diag_file "$tmp/out"
	fi
}
# control NAME COMMAND...: a case whose check must reject its input.
control() {
	name=$1
	shift
	if "$@" > "$tmp/out" 2>&1; then
		tap_not_ok "negative control: $name: the check accepted it"
	else
		tap_ok "negative control: $name: caught ($(head -1 "$tmp/out"))"
	fi
}

while [ $# -ge 2 ]; do
	dir=$1 spec=$2
	shift 2
	arch=$(basename "$(dirname "$dir")")
	if [ ! -s "$dir/sysfs.txt" ]; then
		tap_not_ok "$arch: the guest sent nothing back (see $(dirname "$dir")/console.log)"
		continue
	fi
	tap_diag "$arch: kernel $(cat "$dir/kernel.txt"), $spec"
	sysjson "$dir/sysfs.txt" > "$tmp/sys.json"
	ncpus=$(jq length "$tmp/sys.json")
	lastnode=$(jq 'map(.node) | max' "$tmp/sys.json")

	# topology
	if ran "$dir" topo > "$tmp/out"; then
		judge "$arch: contend topo matches the emulated machine ($spec) and sysfs" \
			check_topo "$dir/topo.out" "$tmp/sys.json" "$spec"
		jq 'map(if .cpu == 0 then .node = (.node + 1) % ($n | tonumber) else . end)' \
			--arg n "$((lastnode + 1))" "$tmp/sys.json" > "$tmp/sys-bad.json"
		control "$arch: topo against a sysfs with CPU 0 on another node" \
			check_topo "$dir/topo.out" "$tmp/sys-bad.json" "$spec"
	else
		tap_not_ok "$arch: contend topo"
		tap_diag_file "$tmp/out"
	fi

	# pinning: every policy, and an explicit list
	for f in "$dir"/pin-*.rc; do
		[ -f "$f" ] || { tap_not_ok "$arch: no pin-*.rc"; break; }
		tag=$(basename "$f" .rc)
		f=$dir/$tag.json
		pin=$(echo "${tag#pin-}" | tr '_.' ',-')
		if ran "$dir" "$tag" > "$tmp/out"; then
			judge "$arch: --pin $pin: each thread sampled on its planned CPU, the plan is $pin's" \
				check_pin "$f" "$tmp/sys.json" "$pin"
		else
			tap_not_ok "$arch: contend run --pin $pin"
			tap_diag_file "$tmp/out"
		fi
	done
	# A planted-bug run that did not run would be "caught" by any check.
	if ran "$dir" neg-pin > "$tmp/out"; then
		control "$arch: a run with the planted pinning bug (MISPLACE=pin)" \
			check_pin "$dir/neg-pin.json" "$tmp/sys.json" compact
	else
		tap_not_ok "$arch: the run with the planted pinning bug did not run"
		tap_diag_file "$tmp/out"
	fi

	# memory placement
	for mem in local interleave "node:$lastnode"; do
		tag=mem-$(echo "$mem" | tr ':' '_')
		if ran "$dir" "$tag" > "$tmp/out"; then
			judge "$arch: --mem $mem: the lock and each thread's data on the claimed node" \
				check_mem "$dir/$tag.json" "$tmp/sys.json" "$mem"
		else
			tap_not_ok "$arch: contend run --mem $mem"
			tap_diag_file "$tmp/out"
		fi
	done
	if ran "$dir" neg-mem > "$tmp/out"; then
		control "$arch: a run with the planted placement bug (MISPLACE=mem)" \
			check_mem "$dir/neg-mem.json" "$tmp/sys.json" node:0
	else
		tap_not_ok "$arch: the run with the planted placement bug did not run"
		tap_diag_file "$tmp/out"
	fi

	# oversubscription
	if ran "$dir" over > "$tmp/out"; then
		judge "$arch: a sweep to 4x the CPUs ($((4 * ncpus)) threads) completes, no violation" \
			check_over "$dir/over.json" "$ncpus"
		jq '.results[-1].violations = 1' "$dir/over.json" > "$tmp/over-bad.json"
		control "$arch: the sweep with one violation planted in its results" \
			check_over "$tmp/over-bad.json" "$ncpus"
	else
		tap_not_ok "$arch: contend run --oversubscribe"
		tap_diag_file "$tmp/out"
	fi

	# probe
	if ran "$dir" probe > "$tmp/out"; then
		judge "$arch: contend probe covers every pair of its CPUs" \
			check_probe "$dir/probe.out" "$ncpus"
		jq 'del(.pairs[3])' "$dir/probe.out" > "$tmp/probe-bad.json"
		control "$arch: the probe with one pair taken out" \
			check_probe "$tmp/probe-bad.json" "$ncpus"
	else
		tap_not_ok "$arch: contend probe"
		tap_diag_file "$tmp/out"
	fi

	# report, on the host
	judge "$arch: contend report draws the guest's results" \
		check_report "$dir/over.json" "$tmp/report"
	head -c 2000 "$dir/over.json" > "$tmp/over-cut.json"
	control "$arch: report of a truncated results file" \
		check_report "$tmp/over-cut.json" "$tmp/report-cut"
done
tap_done
