#!/bin/sh
# aarch64.sh - `make check-aarch64`: cross-build contend for aarch64 and run
# its lock correctness tests, unit tests and a short `contend run` under
# qemu-user (tests/reliability/aarch64.mk passes srcdir, builddir, jobs and MAKE).
#
# Everything lives in $builddir/build/aarch64 and the native build is never
# touched:
#   sysroot/  the :arm64 Debian packages the build links against (glibc,
#             hwloc, jansson, libnuma, concurrencykit and what they load),
#             fetched with `apt-get download` and unpacked with dpkg-deb -x.
#             Nothing is installed system-wide: libck-dev is not
#             co-installable across architectures (installing the :arm64 one
#             removes the native one and the x86 build stops linking).
#   src/      the sources copied with `make distdir` when the source tree
#             holds an in-tree build (see tests/reliability/sanitize.sh for why)
#   the rest  a --host=aarch64-linux-gnu build, concurrencykit included.
#
# The tests run as `qemu-aarch64 -L sysroot`: the dynamic loader and libc
# must come from one glibc build. A mixed pair (the cross toolchain's
# /usr/aarch64-linux-gnu ld.so with the libc.so.6 of Debian's libc6:arm64)
# loops forever inside the first pthread_create(), so every program that
# starts a thread "hangs" while `contend list` works. Each program still runs
# under a timeout so that a hang fails the target instead of the CI.
#
# What this proves and what it does not: qemu-user translates ARM code to
# x86 code, and the emulated loads and stores get x86's strong ordering, so a
# missing acquire or release in a lock passes here. It proves that the
# aarch64 build links and runs, and that the locks' logic (the counters, the
# trylock paths, the futex sleeps) is right there.
#
# Needs gcc-aarch64-linux-gnu, qemu-user and apt's arm64 package lists
# (as root: dpkg --add-architecture arm64 && apt-get update; ./quickstart
# test does all three). Ends with one line:
# "check-aarch64: N passed, N failed, N skipped" (TAP cases).
set -u
: "${srcdir:?}" "${builddir:?}"
jobs=${jobs:-2}
MAKE=${MAKE:-make}
HOST=aarch64-linux-gnu
QEMU=${QEMU:-qemu-aarch64}
# Seconds any one program may run under the emulator.
QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}

tree=$builddir/build/aarch64
sysroot=$tree/sysroot
die() { echo "check-aarch64: $*" >&2; exit 1; }

command -v "$HOST-gcc" >/dev/null ||
	die "no $HOST-gcc: install the Debian package gcc-aarch64-linux-gnu"
command -v "$QEMU" >/dev/null || die "no $QEMU: install the Debian package qemu-user"
mkdir -p "$tree" || exit 1
t0=$(date +%s)

# --- sysroot ---------------------------------------------------------------
# glibc's run time and headers, then the libraries configure looks for and
# the libraries they load (libhwloc15: libudev1; libudev1: libcap2).
PACKAGES="libc6 libc6-dev linux-libc-dev libgcc-s1 libcrypt1 libcrypt-dev
libhwloc15 libhwloc-dev libudev1 libcap2 libjansson4 libjansson-dev
libnuma1 libnuma-dev libck0 libck-dev"
want=$(echo $PACKAGES)
if [ "$(cat "$sysroot/.packages" 2>/dev/null)" != "$want" ]; then
	dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 ||
		die "apt does not know the arm64 architecture: as root, run" \
			"'dpkg --add-architecture arm64 && apt-get update' (./quickstart test does)"
	echo "check-aarch64: fetching the arm64 packages into $sysroot"
	rm -rf "$sysroot" "$tree/debs"
	mkdir -p "$tree/debs" "$sysroot" || exit 1
	# shellcheck disable=SC2086 # PACKAGES is a word list
	if ! (cd "$tree/debs" && apt-get download -q $(for p in $PACKAGES; do
		echo "$p:arm64"; done)) > "$tree/download.log" 2>&1; then
		tail -5 "$tree/download.log" >&2
		die "apt-get download failed (see $tree/download.log); no arm64 package" \
			"lists? as root: apt-get update"
	fi
	for deb in "$tree"/debs/*.deb; do
		dpkg-deb -x "$deb" "$sysroot" || die "cannot unpack $deb"
	done
	# The packages' absolute links (usr/lib/.../libm.so -> /lib/...) would
	# point into the host: make them relative, inside the sysroot.
	find "$sysroot" -type l | while read -r link; do
		target=$(readlink "$link")
		case $target in /*) ln -sfr "$sysroot$target" "$link" ;; esac
	done
	rm -rf "$tree/debs"
	printf '%s\n' "$want" > "$sysroot/.packages"
fi
[ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || die "$sysroot has no dynamic loader"

# --- sources and build -----------------------------------------------------
src=$srcdir
if [ -f "$srcdir/config.status" ]; then
	src=$tree/src
	echo "check-aarch64: in-tree build: copying the sources to $src (make distdir)"
	rm -rf "$src"
	$MAKE -C "$builddir" distdir distdir="$src" > "$tree/distdir.log" 2>&1 ||
		{ tail -20 "$tree/distdir.log" >&2; die "make distdir failed (see $tree/distdir.log)"; }
fi

cc="$HOST-gcc --sysroot=$sysroot"
pkgdir=$sysroot/usr/lib/$HOST/pkgconfig:$sysroot/usr/share/pkgconfig
stamp="$src|$cc|$(cat "$sysroot/.packages")"
if [ ! -f "$tree/Makefile" ] || [ "$(cat "$tree/.aarch64-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "check-aarch64: configuring $tree (--host=$HOST, with concurrencykit)"
	if ! (cd "$tree" && PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_LIBDIR=$pkgdir \
		"$src/configure" -q --host=$HOST --with-ck CC="$cc" \
		PKG_CONFIG=pkg-config) > "$tree/configure.out" 2>&1; then
		tail -20 "$tree/configure.out" >&2
		die "configure failed (see $tree/config.log)"
	fi
	printf '%s\n' "$stamp" > "$tree/.aarch64-stamp"
fi

# The programs and every test program (TESTS= runs none of them).
echo "check-aarch64: building in $tree"
if ! $MAKE -C "$tree" -j"$jobs" check TESTS= > "$tree/build.out" 2>&1; then
	grep -i 'error' "$tree/build.out" | head -20 >&2
	die "build failed (see $tree/build.out)"
fi
if grep -q 'warning:' "$tree/build.out"; then
	grep 'warning:' "$tree/build.out" | sort -u | head -10 >&2
	die "the aarch64 build has warnings (see $tree/build.out)"
fi
# make check-machines needs the build only (tests/machines/machines.sh).
[ -n "${AARCH64_BUILD_ONLY:-}" ] && exit 0
t1=$(date +%s)

# --- tests under qemu ------------------------------------------------------
# The automake harness runs each program through qemu-run; shell tests reach
# contend through contend-qemu ($CONTEND) and other programs through
# $QEMU_RUN. CONTEND_EMULATED tells the negative controls that their threads
# may seldom run at the same instant (see tests/locks/negative_control.c).
cat > "$tree/qemu-run" <<EOF
#!/bin/sh
# Runs an aarch64 program of this tree (written by tests/reliability/aarch64.sh).
exec timeout -k 10 $QEMU_TIMEOUT $QEMU -L '$sysroot' "\$@"
EOF
cat > "$tree/contend-qemu" <<EOF
#!/bin/sh
exec '$tree/qemu-run' '$tree/contend' "\$@"
EOF
chmod +x "$tree/qemu-run" "$tree/contend-qemu"

if command -v file >/dev/null; then
	file "$tree/contend" | grep -q 'ARM aarch64' || die "$tree/contend is not an aarch64 program"
fi

# The lock correctness tests, the unit tests and a short contend run.
tests="tests/locks/registry.sh tests/locks/validate tests/locks/negative_control tests/locks/liveness
tests/locks/sem_permits tests/locks/trylock_prompt tests/unit/harness tests/unit/hist
tests/unit/stats tests/unit/tsc tests/unit/topo tests/unit/reader tests/reliability/aarch64_run.sh"
echo "check-aarch64: running under $QEMU:" $tests
rm -f "$tree/test-suite.log"
status=0
# shellcheck disable=SC2086 # tests is a word list
$MAKE -s -C "$tree" -j"$jobs" check TESTS="$(echo $tests)" LOG_COMPILER="$tree/qemu-run" \
	TESTS_ENVIRONMENT="CONTEND='$tree/contend-qemu'; export CONTEND; \
QEMU_RUN='$tree/qemu-run'; export QEMU_RUN; \
CONTEND_EMULATED=qemu-user; export CONTEND_EMULATED;" || status=$?
t2=$(date +%s)

log=$tree/test-suite.log
if [ -f "$log" ]; then
	n() { v=$(sed -n "s/^# $1: *//p" "$log"); echo "${v:-0}"; }
	[ "$status" -ne 0 ] && sed -n '/^FAIL\|^ERROR/,$p' "$log" | head -150
	echo "check-aarch64: build $((t1 - t0)) s, tests $((t2 - t1)) s ($log)"
	echo "check-aarch64: $(n PASS) passed, $(($(n FAIL) + $(n ERROR) + $(n XPASS))) failed," \
		"$(n SKIP) skipped"
else
	echo "check-aarch64: no test-suite.log: the test run did not start"
	[ "$status" -eq 0 ] && status=1
fi
exit "$status"
