#!/bin/sh
# layering.sh - the layers stay apart: locks <- harness <- bench, preload on
# locks, and inside bench/ the wings by stage of the data: util <- results <-
# analysis <- plot <- report <- the command files (bench/*.c), profile on
# util. Users of a lock see only its interface (lock.h), the measured loop
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
	"$top_srcdir"/bench/*/* "$top_srcdir"/preload/* "$top_srcdir"/results/* 2>/dev/null); do
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
		"$top_srcdir"/bench/*.h "$top_srcdir"/bench/*/*.[ch]; do
		grep -q "\b$c\b" "$f" && bad "$(basename "$f") names lock counter '$c'; use LOCK_STATS_LIST"
	done
done
tap_case "each lock counter is named once (LOCK_STATS_LIST) and described in SCHEMA.md"

# The wings of bench/ and what each may include: its own files, the wings
# below it, the harness and locks (the results name the machine and sweep)
# and config.h. The include paths (Makefile.am, BENCH_*_CPPFLAGS) already
# refuse an upward include at build time; this check says which and also
# catches an include by relative path ("../plot/x.h") that -I would not see.
wing_below() {
	case $1 in
	util) echo "util" ;;
	results) echo "results util" ;;
	analysis) echo "analysis results util" ;;
	plot) echo "plot analysis results util" ;;
	report) echo "report plot analysis results util" ;;
	profile) echo "profile util" ;;
	esac
}
wing_of() { # header name -> the wing that holds it, or "" (harness, locks...)
	for w in util results analysis plot report profile; do
		[ -f "$top_srcdir/bench/$w/$1" ] && { echo "$w"; return; }
	done
	[ -f "$top_srcdir/bench/$1" ] && echo commands
}
nwing=0
for w in util results analysis plot report profile; do
	allowed=$(wing_below "$w")
	for f in "$top_srcdir/bench/$w"/*.c "$top_srcdir/bench/$w"/*.h; do
		[ -f "$f" ] || continue
		nwing=$((nwing + 1))
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			case $h in */*) bad "bench/$w/$(basename "$f") includes \"$h\" by path"; continue ;; esac
			hw=$(wing_of "$h")
			[ -z "$hw" ] && continue
			case " $allowed " in
			*" $hw "*) ;;
			*) bad "bench/$w/$(basename "$f") includes \"$h\" of bench/$hw, a wing above or beside it" ;;
			esac
		done
	done
done
[ "$nwing" -gt 20 ] || bad "only $nwing files found in the wings of bench/ (moved?)"
tap_case "each wing of bench/ includes only itself and the wings below it"

# The command files are thin: no C file anywhere in bench/ over 700 lines.
for f in "$top_srcdir"/bench/*.c "$top_srcdir"/bench/*/*.c; do
	n=$(wc -l <"$f")
	[ "$n" -le 700 ] || bad "${f#"$top_srcdir"/} has $n lines (over 700: split it)"
done
tap_case "no C file of bench/ is over 700 lines"

# No two files call each other, directly or round a longer circle, in
# harness/ and bench/ (preload/ is exempt: preload/README.md says why). Read
# from the objects of the build: file A calls file B when A's object leaves a
# symbol undefined that B's object defines.
objs=$(find "$top_builddir/harness" "$top_builddir/bench" -name '*.o' 2>/dev/null)
if [ -n "$objs" ] && command -v nm >/dev/null; then
	# "file undefined-or-defined symbol", the file named by its source (an
	# object of libbench_plot_a-plot_charts.o is plot_charts.c)
	circles=$(for o in $objs; do
		src=$(basename "$o" .o); src=${src##*-}
		nm "$o" 2>/dev/null | awk -v f="$(dirname "${o#"$top_builddir"/}")/$src.c" \
			'$1 == "U" { print f, "U", $2 } NF == 3 && $2 ~ /[TDBR]/ { print f, "D", $3 }'
	done | awk '
		$2 == "D" { def[$3] = $1; next }
		{ use[NR] = $1 " " $3 }
		END {
			for (i in use) {
				split(use[i], u, " ")
				if ((u[2] in def) && def[u[2]] != u[1] && !((u[1], def[u[2]]) in e)) {
					e[u[1], def[u[2]]] = 1; node[u[1]]; node[def[u[2]]]
				}
			}
			# reach: transitive closure (Floyd-Warshall over a few dozen files)
			for (k in node) for (i in node) if ((i, k) in e) for (j in node)
				if ((k, j) in e) e[i, j] = 1
			for (i in node) if ((i, i) in e) print i
		}' | sort -u)
	for f in $circles; do
		bad "$f calls into a file that calls back into it (a circle)"
	done
	tap_case "no circles between the files of harness/ and bench/"
else
	tap_skip "no objects built or no nm" "no circles between the files of harness/ and bench/"
fi

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
