#!/bin/sh
# protocol_models.sh - model checks of the protocols issue 22 fixed, with
# spin: malthusian's park/wake protocol (models/malthusian.pml, with a
# grant to a sleeping head at the bypass limit and arrivals at every step
# of a release) and clh's trylock with two concurrent trylocks and nodes
# reused over two rounds (models/clh_try.pml). Each must pass exhaustively
# (mutual exclusion, no thread left waiting, and for clh a lock left free
# for a trylock), and each protocol as it was before the fix must be
# rejected, which shows the check can fail. Skips without spin (Debian:
# spin) or a C compiler.
set -u
: "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v spin >/dev/null 2>&1 || tap_skip_all "spin is not installed (Debian package 'spin')"
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "no C compiler ($cc)"
work=$(mktemp -d "${TMPDIR:-/tmp}/contend-protomodels.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# verify MODEL DEFINES EXPECTED WHAT: EXPECTED is ok (no error) or error
verify() {
	rm -f "$work/pan.txt"
	# pan exits non-zero when it finds an error; spin or cc failing leave
	# no pan.txt with a result line.
	(cd "$work" && spin $2 -a "$top_srcdir/models/$1.pml" >spin.txt 2>&1 &&
		"$cc" -O2 -w -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000 >pan.txt 2>&1)
	errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$work/pan.txt" 2>/dev/null)
	states=$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$work/pan.txt" 2>/dev/null)
	kind=$(sed -n 's/^pan:1: \(.*\) (at depth.*/\1/p' "$work/pan.txt" 2>/dev/null | head -1)
	if [ -z "$errors" ]; then
		tap_not_ok "$1.pml ${2:-(as is)}: no result from spin/pan"
		cat "$work/spin.txt" "$work/pan.txt" 2>/dev/null | head -20 | sed 's/^/# /'
	elif grep -q "depth too small" "$work/pan.txt"; then
		tap_not_ok "$1.pml $2: search depth too small, the search was not exhaustive"
	elif [ "$3" = ok ] && [ "$errors" -ne 0 ]; then
		tap_not_ok "$1.pml $2: $4: spin found an error ($kind)"
	elif [ "$3" = error ] && [ "$errors" -eq 0 ]; then
		tap_not_ok "$1.pml $2: $4: the old protocol passed ($states states): the model checks nothing"
	else
		tap_ok "$1.pml $2: $4: $errors errors in $states states${kind:+ ($kind)}"
	fi
}

verify malthusian "-DN=2 -DROUNDS=2" ok "one holder, no head left asleep"
verify malthusian "-DN=2 -DROUNDS=2 -DOLD_UNLOCK" error "the release before the fix leaves a head asleep on a free lock"
verify clh_try "-DN=3 -DROUNDS=2" ok "one holder, nobody waits for ever, the lock left free for a trylock"
verify clh_try "-DN=3 -DROUNDS=2 -DOLD_TRYLOCK" error "the trylock before the fix leaves an abandoned node at the tail"
tap_done
