#!/bin/sh
# registry.sh - every lock source is built and registered, and every lock the
# project promises is in `contend list`. A lock file without its registry.def
# line, or missing from locks/local.mk, fails here.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
bad() { tap_fail "$*"; }

list=$("$CONTEND" list --json) || tap_bail "contend list --json failed"
names=$(printf '%s\n' "$list" | sed -n 's/^ *"name": "\(.*\)",*$/\1/p')
have_ck=no
grep -q '^#define HAVE_CK 1' "$top_builddir/config.h" && have_ck=yes

for src in "$top_srcdir"/locks/*.c; do
	base=locks/$(basename "$src")
	case $base in locks/registry.c) continue ;; esac
	grep -q "$base" "$top_srcdir/locks/local.mk" ||
		bad "$base is not listed in locks/local.mk (it would never build)"
	defs=$(tr '\n' ' ' < "$src" | grep -o 'LOCK_DEFINE([a-z_0-9]*, *"[^"]*"' |
		sed 's/LOCK_DEFINE(\([a-z_0-9]*\), *"\([^"]*\)"/\1:\2/')
	[ -n "$defs" ] || bad "$base defines no lock (LOCK_DEFINE missing)"
	for d in $defs; do
		sym=${d%%:*} name=${d#*:}
		grep -q "^LOCK($sym)" "$top_srcdir/locks/registry.def" ||
			bad "lock '$name' ($base) has no LOCK($sym) line in locks/registry.def"
		case $name in ck-*) [ $have_ck = yes ] || continue ;; esac
		printf '%s\n' "$names" | grep -qx -- "$name" ||
			bad "lock '$name' ($base) is missing from 'contend list'"
	done
	tap_case "$base built and registered: $(echo $defs)"
done

for name in tas ttas cas ticket mcs clh futex futex-spin lll sem \
	    pthread pthread-adaptive pthread-spin posix-sem qspinlock hemlock mcs-tp clh-tp; do
	printf '%s\n' "$names" | grep -qx -- "$name" || bad "required lock '$name' is not registered"
done
tap_case "every lock the project promises is registered"
if [ $have_ck = yes ]; then
	for name in ck-fas ck-ticket ck-mcs ck-clh; do
		printf '%s\n' "$names" | grep -qx -- "$name" || bad "peer '$name' is not registered"
	done
	tap_case "the concurrencykit peers are registered"
else
	tap_skip "built without concurrencykit" "the concurrencykit peers are registered"
fi
count=$(printf '%s\n' "$names" | grep -c .)
tap_diag "$count locks registered (ck: $have_ck)"
tap_done
