#!/bin/sh
# clh_tp_model.sh - model-checks clh-tp's removal protocol (models/clh_tp.pml)
# with spin: the model must show no second holder and no deadlock (with one
# trylock stopped for ever inside its claim), and each deliberately broken
# variant must be rejected (the protocol before issue 22 among them), so that a checker that
# cannot see a bug does not pass for a proof. Skips without spin (Debian:
# spin) or a C compiler.
set -u
: "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v spin >/dev/null || tap_skip_all "spin is not installed"
cc=${CC:-cc}
command -v "$cc" >/dev/null || tap_skip_all "no C compiler ($cc)"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# verify DEFINES EXPECTED: EXPECTED is ok (no error) or error
verify() {
	if ! (cd "$work" && spin $1 -a "$top_srcdir/models/clh_tp.pml" >spin.txt 2>&1 &&
		"$cc" -O2 -w -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000 >pan.txt 2>&1); then
		# pan exits non-zero when it finds an error; spin or cc failing
		# leave no pan.txt with a result line.
		:
	fi
	errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$work/pan.txt" 2>/dev/null)
	states=$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$work/pan.txt" 2>/dev/null)
	if [ -z "$errors" ]; then
		tap_not_ok "clh_tp.pml ${1:-(as is)}: no result from spin/pan"
		cat "$work/spin.txt" "$work/pan.txt" 2>/dev/null | head -20 | sed 's/^/# /'
	elif [ "$2" = ok ] && [ "$errors" -ne 0 ]; then
		tap_not_ok "clh_tp.pml: spin found an error"
		grep -E 'pan:1|violated|invalid end' "$work/pan.txt" | sed 's/^/# /'
	elif [ "$2" = error ] && [ "$errors" -eq 0 ]; then
		tap_not_ok "clh_tp.pml $1: the broken variant passed ($states states): the model checks nothing"
	else
		kind=$(sed -n 's/^pan:1: \(.*\) (at depth.*/\1/p' "$work/pan.txt" | head -1)
		tap_ok "clh_tp.pml ${1:-(as is)}: $errors errors in $states states${kind:+ ($kind)}"
	fi
	rm -f "$work/pan.txt"
}

# Two threads over three rounds, so that adopted nodes (and spares) are
# queued again; three threads over one round, so that a waiter can remove
# a waiter that is removing its own predecessor.
verify "-DN=2 -DROUNDS=3" ok
verify "-DN=3 -DROUNDS=1" ok
verify "-DN=2 -DROUNDS=2 -DBROKEN_FAST" error
verify "-DN=2 -DROUNDS=2 -DBROKEN_NOBUSY" error
verify "-DN=2 -DROUNDS=2 -DOLD_CLAIM" error
verify "-DN=2 -DROUNDS=2 -DBROKEN_REVOKE" error
tap_done
