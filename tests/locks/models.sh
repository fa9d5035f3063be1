#!/bin/sh
# models.sh - model checking of the futex protocols with spin (models/*.pml,
# each with a comment mapping its states to the C lines). Exhaustive search
# of every interleaving of 3 threads, 2 acquisitions each: mutual exclusion
# (assert) and no lost wake-up (end-state check: nobody left asleep once
# the others are done). The negative model (futex.pml with its wake
# removed) must be rejected, which shows the check can fail at all.
set -u
: "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
command -v spin >/dev/null 2>&1 || tap_skip_all "spin is not installed (Debian package 'spin')"
CC=${CC:-cc}
work=$(mktemp -d "${TMPDIR:-/tmp}/contend-models.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# verify MODEL LABEL [spin -D options]: prints pan's summary into $work/out
verify() {
	model=$1 label=$2
	shift 2
	cp "$top_srcdir/models/$model.pml" "$work/" || return 1
	(cd "$work" && spin "$@" -a "$model.pml" >spin.log 2>&1 &&
		$CC -O2 -DSAFETY -o pan pan.c >cc.log 2>&1 &&
		./pan -m100000 >out 2>&1) ||
		{ tap_diag "FAIL: $label: spin or pan did not run"
		  cat "$work"/*.log "$work/out" 2>/dev/null | sed 's/^/# /'; return 1; }
	if grep -q "depth too small" "$work/out"; then
		tap_diag "FAIL: $label: search depth too small, the search was not exhaustive"
		return 1
	fi
	return 0
}

for m in "futex futex" "lll lll" "sem sem-K1 -DK=1" "sem sem-K2 -DK=2" "futex_spin futex-spin"; do
	# shellcheck disable=SC2086
	set -- $m
	if verify "$@"; then
		states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/out")
		if grep -q "errors: 0" "$work/out"; then
			tap_ok "$2: $states states, mutual exclusion and no lost wake-up hold"
		else
			tap_not_ok "$2: spin found an error"
			grep -E "pan:|errors:" "$work/out" | sed 's/^/# /'
		fi
	else
		tap_not_ok "$2: verified"
	fi
done

# The negative model: unlock never wakes; spin must find the sleeper left
# behind (an invalid end state).
if verify futex futex-without-wake -DDROP_WAKE; then
	if grep -q "invalid end state" "$work/out" && ! grep -q "errors: 0" "$work/out"; then
		tap_ok "negative model (futex, wake removed) rejected: $(grep -o 'invalid end state[^)]*)' "$work/out" | head -1)"
	else
		tap_not_ok "negative model (futex, wake removed) rejected: spin accepted it"
	fi
else
	tap_not_ok "negative model (futex, wake removed) rejected: spin or pan did not run"
fi
tap_done
