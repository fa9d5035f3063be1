#!/bin/sh
# mutants.sh - memory-order mutation testing of the locks (`make
# check-mutants`, not part of `make check`: it takes tens of minutes).
#
# Each explicit non-relaxed order in locks/*.c and in the headers the lock
# files share (park.h, mcsqueue.h, ...: a header's mutants run the locks of
# every file that includes it) (memory_order_acquire,
# _release, _acq_rel, _seq_cst and the __ATOMIC_ spellings) is weakened to
# relaxed, one at a time. The mutant is rebuilt with -fsanitize=thread and
# the locks defined in the mutated file are run through tests/locks/tsan_locks and
# tests/locks/validate (under TSan too, 1-8 threads), and clh also through
# tests/locks/clh_abandon (its trylock's rare paths), mcs-tp through
# tests/locks/mcs_tp_skip (its release past a stale waiter). A mutant is
#   caught    when a test fails (a TSan race report, a violation, a stall,
#             or a 300 s timeout);
#   survived  when every test passes: either the suite cannot see that
#             order's job, or the order is stronger than needed - each
#             survivor gets a test or a comment at its line (locks/MUTANTS.md);
#   invalid   when it does not compile (e.g. a CAS whose failure order would
#             be stronger than its success order).
# Then the structural operators (MUTANT_OPS, default "order rmw fence
# move"; "order" is the weakening above), each site one mutant, with the
# same tests and verdicts:
#   rmw    a read-modify-write (exchange, fetch_add/sub/or/and, CAS) done
#          as a load and a store (tests/reliability/mutant_ops.h: seq_cst
#          halves, a yield between them), so only its atomicity is lost;
#   fence  an atomic_thread_fence() dropped;
#   move   a one-line relaxed atomic store moved past the next statement
#          when that is a one-line atomic load (comments between them move
#          with the load), as a weakly ordered CPU may make it appear.
# Not mutated: locks/ck.c (concurrencykit's atomics are inline assembly TSan
# cannot see; the TSan build is --without-ck) and the implicit seq_cst of
# atomic_*() calls without _explicit (no order written to weaken).
#
# Environment: srcdir, builddir, work (the mutant build tree), CC, MAKE,
# jobs; MUTANT_FILES to restrict to some files (e.g. "clh.c mcs.c").
# Writes the table to $work/mutants.md and prints it.
set -u
: "${srcdir:?}" "${builddir:?}" "${work:?}"
CC=${CC:-cc}
MAKE=${MAKE:-make}
jobs=${jobs:-2}
files=${MUTANT_FILES:-}
ops=${MUTANT_OPS:-order rmw fence move}
rmw_re='atomic_(exchange|fetch_add|fetch_sub|fetch_or|fetch_and|compare_exchange_strong|compare_exchange_weak)_explicit\('
ops_h=$srcdir/tests/reliability/mutant_ops.h
cflags='-O1 -g -fsanitize=thread'
ldflags='-fsanitize=thread'
orders='memory_order_acquire|memory_order_release|memory_order_acq_rel|memory_order_seq_cst|__ATOMIC_ACQUIRE|__ATOMIC_RELEASE|__ATOMIC_ACQ_REL|__ATOMIC_SEQ_CST'

mkdir -p "$work" || exit 1
src=$work/src
tree=$work/build
echo "mutants: copying the sources to $src (make distdir)"
rm -rf "$src"
$MAKE -C "$builddir" distdir distdir="$src" > "$work/distdir.log" 2>&1 ||
	{ tail -20 "$work/distdir.log"; exit 1; }
if [ ! -f "$tree/Makefile" ]; then
	mkdir -p "$tree"
	echo "mutants: configuring $tree with CFLAGS='$cflags' --without-ck"
	(cd "$tree" && "$src/configure" -q --without-ck CC="$CC" CFLAGS="$cflags" \
		LDFLAGS="$ldflags") > "$work/configure.out" 2>&1 ||
		{ tail -20 "$work/configure.out"; exit 1; }
fi
targets='tests/locks/tsan_locks tests/locks/validate tests/locks/clh_abandon tests/locks/mcs_tp_skip'
build() { $MAKE -C "$tree" -j"$jobs" $targets > "$work/build.out" 2>&1; }

# run_tests LOCK...: 0 when every test passed
run_tests() {
	TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
	export TSAN_OPTIONS
	timeout 300 "$tree/tests/locks/tsan_locks" "$@" > "$work/tsan.out" 2>&1 || return 1
	timeout 300 "$tree/tests/locks/validate" "$@" > "$work/validate.out" 2>&1 || return 1
	# white-box tests of one lock's rare paths
	case " $* " in
	*" clh "*) timeout 300 "$tree/tests/locks/clh_abandon" > "$work/white.out" 2>&1 || return 1 ;;
	*" mcs-tp "*) timeout 300 "$tree/tests/locks/mcs_tp_skip" > "$work/white.out" 2>&1 || return 1 ;;
	esac
	return 0
}

locks_of() {
	tr '\n' ' ' < "$1" | grep -o 'LOCK_DEFINE([a-z_0-9]*, *"[^"]*"' |
		sed 's/LOCK_DEFINE([a-z_0-9]*, *"\([^"]*\)"/\1/'
}

# try_mutant SITE WHAT: build and test the mutant now in place, add its row
try_mutant() {
	# shellcheck disable=SC2086
	if ! build; then
		result=invalid how="does not compile"
	elif run_tests $locks; then
		result=survived how="-"
	else
		result=caught
		how=$(grep -hEm1 "WARNING: ThreadSanitizer|FAIL|^not ok" "$work/tsan.out" "$work/validate.out" "$work/white.out" 2>/dev/null |
			sed 's/^ *//; s/ (pid=[0-9]*)//; s/|/\\|/g' | cut -c1-90)
		[ -n "$how" ] || how="test exited non-zero (timeout or crash)"
	fi
	echo "| $1 | $2 | $(echo $locks | tr ' ' ',') | $result | $how |" >> "$table"
	echo "mutants: $1 $2 -> $result"
}

build || { tail -30 "$work/build.out"; echo "mutants: the unmutated build failed"; exit 1; }
table=$work/mutants.md
{
	echo "| file:line | order weakened to relaxed | locks run | result | how it was caught |"
	echo "|---|---|---|---|---|"
} > "$table"
caught=0 survived=0 invalid=0
[ -n "$files" ] || files=$(cd "$src/locks" && ls ./*.c ./*.h | sed 's|^\./||')
for f in $files; do
	case $f in ck.c|registry.c|lock.h|lock_define.h) continue ;; esac
	path=$src/locks/$f
	grep -Eq "$orders" "$path" || continue
	case $f in
	*.h)
		locks=
		for c in $(grep -l "#include \"$f\"" "$src"/locks/*.c "$src"/locks/*.h); do
			case $c in *.c) locks="$locks $(locks_of "$c")" ;; esac
		done
		;;
	*) locks=$(locks_of "$path") ;;
	esac
	[ -n "$locks" ] || continue
	# shellcheck disable=SC2086
	if ! run_tests $locks; then
		echo "mutants: $f: the unmutated locks fail the tests; skipped"
		continue
	fi
	cp "$path" "$work/orig.c"
	rm -f "$work/white.out"
	case " $ops " in *" order "*) order_sites=$(grep -En "$orders" "$path" | cut -d: -f1) ;; *) order_sites= ;; esac
	for line in $order_sites; do
		n=$(sed -n "${line}p" "$path" | grep -Eo "$orders" | wc -l)
		k=1
		while [ "$k" -le "$n" ]; do
			order=$(sed -n "${line}p" "$path" | grep -Eo "$orders" | sed -n "${k}p")
			weak=memory_order_relaxed
			case $order in __ATOMIC_*) weak=__ATOMIC_RELAXED ;; esac
			awk -v L="$line" -v K="$k" -v W="$weak" -v RE="$orders" '
				NR == L {
					out = ""; i = 0
					while (match($0, RE)) {
						i++
						out = out substr($0, 1, RSTART - 1) \
						      (i == K ? W : substr($0, RSTART, RLENGTH))
						$0 = substr($0, RSTART + RLENGTH)
					}
					$0 = out $0
				}
				{ print }' "$work/orig.c" > "$path"
			try_mutant "$f:$line" "$order"
			cp "$work/orig.c" "$path"
			k=$((k + 1))
		done
	done
	# The structural operators: one mutant per site.
	case " $ops " in *" rmw "*)
		for line in $(grep -En "$rmw_re" "$path" | cut -d: -f1); do
			op=$(sed -n "${line}p" "$path" | grep -Eo "$rmw_re" | head -1 | sed 's/_explicit(//')
			{ echo "#include \"$ops_h\""; sed "${line}s/${op}_explicit(/mutant_split_${op#atomic_}(/" "$work/orig.c"; } > "$path"
			try_mutant "$f:$((line))" "$op split into load + store"
			cp "$work/orig.c" "$path"
		done ;;
	esac
	case " $ops " in *" fence "*)
		for line in $(grep -n "atomic_thread_fence(" "$path" | cut -d: -f1); do
			{ echo "#include \"$ops_h\""; sed "${line}s/atomic_thread_fence(/mutant_drop_fence(/" "$work/orig.c"; } > "$path"
			try_mutant "$f:$line" "fence dropped"
			cp "$work/orig.c" "$path"
		done ;;
	esac
	case " $ops " in *" move "*)
		for pair in $(awk '
			/^[ \t]*atomic_store_explicit\(.*memory_order_relaxed\);[ \t]*$/ { s = NR; next }
			s && /^[ \t]*(\/\*|\*|\/\/)/ { next }
			s && /atomic_load_explicit\(/ && /;[ \t]*$/ && !/[{}]/ &&
			     !/^[ \t]*(return|if|while|for|else|case|do)[ (]/ { print s ":" NR }
			{ s = 0 }' "$work/orig.c"); do
			from=${pair%:*} to=${pair#*:}
			awk -v F="$from" -v T="$to" '
				NR == F { held = $0; next }
				{ print }
				NR == T { print held }' "$work/orig.c" > "$path"
			try_mutant "$f:$from" "relaxed store moved past the load at :$to"
			cp "$work/orig.c" "$path"
		done ;;
	esac
	build > /dev/null
done
caught=$(grep -c '| caught |' "$table")
survived=$(grep -c '| survived |' "$table")
invalid=$(grep -c '| invalid |' "$table")
echo
cat "$table"
echo
echo "mutants: $caught caught, $survived survived, $invalid invalid"
