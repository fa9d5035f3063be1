#!/bin/sh
# sanitize.sh tsan|asan - the sanitizer builds behind `make check-tsan` and
# `make check-asan` (tests/reliability/local.mk passes srcdir, builddir,
# sanitize_dir, jobs, CC, MAKE and, for tsan, tsan_tests).
#
# Each kind is a separate configure + build of the sources in
# $sanitize_dir/KIND, kept between runs so that a second run only rebuilds
# what changed. An in-tree build (./configure in the source tree, as
# quickstart and CI do) cannot host a second, out-of-tree build of the same
# sources - configure refuses, and make would find the in-tree objects
# through VPATH - so the sources are first copied with `make distdir` (which
# keeps their time stamps).
#
#   tsan: -fsanitize=thread, --without-ck (concurrencykit's atomics are
#         inline assembly TSan cannot see: every ck handoff would look like
#         a race). Runs $tsan_tests with halt_on_error=1: any report fails.
#   asan: -fsanitize=address,undefined, no recovery from UB, leak checking
#         on; runs the whole `make check`.
# Tests see CONTEND_SANITIZER=tsan|asan and may skip ("1..0 # SKIP why")
# what cannot run under it. Ends with one line: "check-KIND: N passed, N
# failed, N skipped", counting TAP cases (each test names its cases).
set -u
kind=${1:-}
: "${srcdir:?}" "${builddir:?}" "${sanitize_dir:?}"
jobs=${jobs:-2}
CC=${CC:-cc}
MAKE=${MAKE:-make}

case $kind in
tsan)
	cflags='-O1 -g -fsanitize=thread'
	ldflags='-fsanitize=thread'
	confargs='--without-ck'
	;;
asan)
	cflags='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined'
	ldflags='-fsanitize=address,undefined'
	confargs=
	;;
*)
	echo "usage: sanitize.sh tsan|asan" >&2
	exit 2
	;;
esac

tree=$sanitize_dir/$kind
mkdir -p "$tree" || exit 1
t0=$(date +%s)

# The compiler must have the sanitizer's run-time library.
probe=$tree/probe
printf 'int main(void) { return 0; }\n' > "$probe.c"
if ! $CC $cflags $ldflags "$probe.c" -o "$probe" 2>"$probe.log" || ! "$probe"; then
	echo "check-$kind: $CC cannot build with $cflags:" >&2
	sed -n 1,5p "$probe.log" >&2
	echo "check-$kind: install the sanitizer run-time (Debian: gcc pulls in libasan8," \
		"libubsan1 and libtsan2; for clang: libclang-rt-14-dev)" >&2
	exit 1
fi
rm -f "$probe" "$probe.c" "$probe.log"

src=$srcdir
if [ -f "$srcdir/config.status" ]; then
	src=$sanitize_dir/src
	echo "check-$kind: in-tree build: copying the sources to $src (make distdir)"
	if ! $MAKE -C "$builddir" distdir distdir="$src" > "$sanitize_dir/distdir.log" 2>&1; then
		tail -20 "$sanitize_dir/distdir.log" >&2
		echo "check-$kind: make distdir failed (see $sanitize_dir/distdir.log)" >&2
		exit 1
	fi
fi

# Reconfigure when the sources, compiler or flags differ from last time.
stamp="$src|$CC|$cflags|$confargs"
if [ ! -f "$tree/Makefile" ] || [ "$(cat "$tree/.sanitize-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "check-$kind: configuring $tree with CFLAGS='$cflags'"
	# shellcheck disable=SC2086 # confargs is a word list
	if ! (cd "$tree" && "$src/configure" -q $confargs CC="$CC" CFLAGS="$cflags" \
		LDFLAGS="$ldflags") > "$tree/configure.out" 2>&1; then
		tail -20 "$tree/configure.out" >&2
		echo "check-$kind: configure failed (see $tree/config.log)" >&2
		exit 1
	fi
	printf '%s\n' "$stamp" > "$tree/.sanitize-stamp"
fi

echo "check-$kind: building in $tree"
if ! $MAKE -C "$tree" -j"$jobs" > "$tree/build.out" 2>&1; then
	tail -30 "$tree/build.out" >&2
	echo "check-$kind: build failed (see $tree/build.out)" >&2
	exit 1
fi
t1=$(date +%s)

CONTEND_SANITIZER=$kind
export CONTEND_SANITIZER
rm -f "$tree/test-suite.log"
status=0
case $kind in
tsan)
	echo "check-$kind: running $tsan_tests"
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
		$MAKE -C "$tree" -j"$jobs" check TESTS="$tsan_tests" || status=$?
	;;
asan)
	echo "check-$kind: running the whole test suite"
	# verify_asan_link_order=0: `contend profile` preloads its library
	# (built with ASan here) into the test programs (built with ASan too):
	# the ASan run-time is then loaded right after the preloaded library
	# instead of first, which is fine when the program itself links it.
	ASAN_OPTIONS="detect_leaks=1 halt_on_error=1 detect_stack_use_after_return=1 \
check_initialization_order=1 strict_init_order=1 verify_asan_link_order=0 ${ASAN_OPTIONS:-}" \
	UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1 ${UBSAN_OPTIONS:-}" \
		$MAKE -C "$tree" -j"$jobs" check || status=$?
	;;
esac
t2=$(date +%s)

log=$tree/test-suite.log
if [ -f "$log" ]; then
	pass=$(sed -n 's/^# PASS: *//p' "$log")
	fail=$(sed -n 's/^# FAIL: *//p' "$log")
	err=$(sed -n 's/^# ERROR: *//p' "$log")
	xpass=$(sed -n 's/^# XPASS: *//p' "$log")
	skip=$(sed -n 's/^# SKIP: *//p' "$log")
	[ "$status" -ne 0 ] && sed -n '/^FAIL\|^ERROR/,$p' "$log" | head -150
	echo "check-$kind: build $((t1 - t0)) s, tests $((t2 - t1)) s ($log)"
	echo "check-$kind: ${pass:-0} passed, $((${fail:-0} + ${err:-0} + ${xpass:-0})) failed, ${skip:-0} skipped"
else
	echo "check-$kind: no test-suite.log: the test run did not start"
	[ "$status" -eq 0 ] && status=1
fi
exit "$status"
