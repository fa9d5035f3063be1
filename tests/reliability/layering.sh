#!/bin/sh
# layering.sh - the layers stay apart: locks <- harness <- bench, preload on
# locks. Users of a lock see only its interface (lock.h), the measured loop
# is instantiated only where a lock is defined (lock_define.h), and the
# preload library carries no measured loop at all.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
bad() { tap_fail "$*"; }

# lock.h is the interface: no measured loop, histogram or time base in it.
grep -n '#include "\(hotloop\|hist\|tsc\)\.h"' "$top_srcdir/locks/lock.h" >&2 &&
	bad "locks/lock.h includes the measured loop's headers"
grep -q 'HOT_LOOP_DEFINE' "$top_srcdir/locks/lock.h" &&
	bad "locks/lock.h instantiates the measured loop (belongs in lock_define.h)"
tap_case "locks/lock.h is the interface: no measured loop in it"

# Only the lock files (and the tests' own locks) instantiate locks.
for f in $(grep -l '#include "lock_define.h"' "$top_srcdir"/harness/* "$top_srcdir"/bench/* \
	"$top_srcdir"/preload/* "$top_srcdir"/results/* 2>/dev/null); do
	bad "$f includes lock_define.h; outside locks/ include lock.h"
done
tap_case "only locks/ instantiates locks (lock_define.h)"

# A lock includes nothing from the layers above it.
for f in "$top_srcdir"/locks/*.c "$top_srcdir"/locks/*.h; do
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $h in
		config.h|lock.h|lock_define.h|futex.h|hotloop.h) ;;
		*) [ -f "$top_srcdir/locks/$h" ] ||
			bad "$(basename "$f") includes \"$h\", which is not a lock header" ;;
		esac
	done
done
tap_case "a lock includes nothing from the layers above it"

# Each lock counter is named once (LOCK_STATS_LIST in lock.h); the writer,
# the reader and the harness take it from there. The schema must describe it.
stats=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\), [0-9], [0-9],.*/\1/p' "$top_srcdir/locks/lock.h")
[ -n "$stats" ] || bad "no counters found in LOCK_STATS_LIST (locks/lock.h)"
for c in $stats; do
	grep -q "\`$c\`" "$top_srcdir/results/SCHEMA.md" ||
		bad "lock counter '$c' is not described in results/SCHEMA.md"
	for f in "$top_srcdir"/harness/*.c "$top_srcdir"/bench/*.c "$top_srcdir"/harness/*.h \
		"$top_srcdir"/bench/*.h; do
		grep -q "\b$c\b" "$f" && bad "$(basename "$f") names lock counter '$c'; use LOCK_STATS_LIST"
	done
done
tap_case "each lock counter is named once (LOCK_STATS_LIST) and described in SCHEMA.md"

# The preload library is built without the measured loop (LOCK_NO_HOT_LOOP).
so=$top_builddir/preload/.libs/libcontend-preload.so
if [ -f "$so" ] && command -v nm >/dev/null; then
	n=$(nm "$so" | grep -c '_hot_loop$')
	[ "$n" -eq 0 ] || bad "the preload library carries $n measured loops"
	tap_case "the preload library carries no measured loop"
else
	tap_skip "no preload library or nm" "the preload library carries no measured loop"
fi
tap_done
