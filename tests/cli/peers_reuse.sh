#!/bin/sh
# peers_reuse.sh - `make bench`'s verdicts can fail (issue 27): the bench
# script's --reuse path on copies of results/reference/, no timing involved.
#   - as recorded, "mcs / ck-mcs" and the fair lock's line are not MISS
#     (the positive control);
#   - the fair lock's Jain set to 0.5 everywhere: its line is a MISS, with
#     the reason, and the script exits 3;
#   - ck-mcs made 2x faster: every "mcs / ck-mcs" line is a MISS;
#   - the summary prints the four counts.
# The copies keep only the points these lines read (a smaller file, fewer
# seconds of jq); every other line is then "not evaluated", a MISS too.
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v jq >/dev/null || tap_skip_all "jq not installed"
"$CONTEND" list --json | jq -e 'map(.name) | index("ck-mcs")' >/dev/null ||
	tap_skip_all "contend built without concurrencykit (bench/peers.sh needs it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ref=$top_srcdir/results/reference
peers="$top_srcdir/bench/peers.sh"

copy() { # DIR PEERS-JQ OVERSUB-JQ
	mkdir -p "$1"
	jq '.results |= map(select(.lock == "mcs" or .lock == "ck-mcs"))' "$ref/peers.json" |
		jq "$2" > "$1/peers.json"
	jq "$3" "$ref/oversub.json" > "$1/oversub.json"
}
run() { # DIR: the script's output in DIR/out, its status in DIR/rc
	CONTEND=$CONTEND sh "$peers" --reuse --no-charts -o "$1" > "$1/out" 2>&1
	echo $? > "$1/rc"
}

copy "$tmp/as" . .
run "$tmp/as"
if grep -E '^mcs / ck-mcs ' "$tmp/as/out" | grep -qv ' MISS ' &&
	grep -Eq '^cs 100ns: fair [a-z-]+ \(Jain .* PASS ' "$tmp/as/out"; then
	tap_ok "as recorded: mcs / ck-mcs and the fair lock's line are not MISS"
else
	tap_not_ok "as recorded: a MISS where the reference passed"
	grep -E '^(mcs / ck-mcs|cs 100ns: fair)' "$tmp/as/out" | sed 's/^/# /'
fi
if grep -Eq '^[0-9]+ PASS, [0-9]+ MISS, [0-9]+ NEAR .*, [0-9]+ not evaluated' "$tmp/as/out"; then
	tap_ok "the summary prints PASS, MISS, NEAR and not evaluated"
else
	tap_not_ok "summary: $(tail -3 "$tmp/as/out" | head -1)"
fi

copy "$tmp/jain" . '(.results[] | select(.threads > 1) | .fairness.jain) |= 0.5'
run "$tmp/jain"
if grep -Eq '^cs 100ns: fair lock of ours / pthread-adaptive .* MISS .*no fair lock of ours reached Jain 0.9' \
	"$tmp/jain/out" && [ "$(cat "$tmp/jain/rc")" = 3 ]; then
	tap_ok "negative control: the fair lock's Jain at 0.5 is a MISS (exit 3)"
else
	tap_not_ok "negative control: Jain 0.5 not a MISS (exit $(cat "$tmp/jain/rc"))"
	grep -E '^cs 1' "$tmp/jain/out" | sed 's/^/# /'
fi

copy "$tmp/fast" '(.results[] | select(.lock == "ck-mcs") | .throughput.median, .per_repeat[].throughput) |= . * 2' .
run "$tmp/fast"
n=$(grep -Ec '^mcs / ck-mcs ' "$tmp/fast/out")
m=$(grep -E '^mcs / ck-mcs ' "$tmp/fast/out" | grep -c ' MISS ')
if [ "$n" -eq 3 ] && [ "$m" -eq 3 ]; then
	tap_ok "negative control: ck-mcs made 2x faster: all $m mcs / ck-mcs lines MISS"
else
	tap_not_ok "negative control: ck-mcs 2x faster: $m of $n mcs / ck-mcs lines MISS"
	grep -E '^mcs / ck-mcs ' "$tmp/fast/out" | sed 's/^/# /'
fi
tap_done
