#!/bin/sh
# machines.sh - `make check-machines`: boot real Linux kernels under
# qemu-system (TCG) on emulated many-CPU, multi-node machines, run contend
# there from an initramfs (tests/machines/guest_init.sh), bring its outputs
# back over the serial console and judge them on the host
# (tests/machines/check.sh). tests/machines/local.mk passes srcdir,
# builddir and MAKE.
#
# The machines:
#   x86_64   q35, 16 CPUs: 2 packages x 2 NUMA nodes each x 2 cores per
#            node x 2 SMT threads, Debian's cloud kernel and this build's
#            contend with the host's libraries;
#   aarch64  virt, 8 CPUs: 2 packages = 2 NUMA nodes x 4 cores, Debian's
#            arm64 kernel and the aarch64 build of make check-aarch64
#            (build/aarch64) with that build's sysroot.
# TCG runs every vCPU of a guest on one host thread (thread=single): the
# guest still has 16 CPUs that the scheduler preempts between, so pinning,
# placement and mutual exclusion are real; the host's 2 cores boot it
# several times faster than with one host thread per vCPU.
#
# No kernel module is loaded: both kernels have their serial console
# (8250, PL011), initramfs, devtmpfs and NUMA (CONFIG_NUMA, ACPI SRAT on
# x86, the device tree's numa-node-id on arm64) built in, and the outputs
# leave through that console, so neither virtio nor 9p is needed.
#
# Downloads (never installed): the kernels (linux-image-6.1.0-*-cloud-amd64
# and linux-image-6.1.0-*-arm64, the versions the meta-packages name) and
# busybox-static:arm64, fetched with apt-get download into
# build/machines/cache and kept: a second run fetches nothing.
# Ends with "check-machines: N passed, N failed, N skipped" and writes
# build/machines/test-suite.log in automake's format for ./quickstart.
set -u
: "${srcdir:?}" "${builddir:?}"
MAKE=${MAKE:-make}
# Seconds one guest may run, boot and dump included.
GUEST_TIMEOUT=${GUEST_TIMEOUT:-900}

tree=$builddir/build/machines
cache=$tree/cache
die() { echo "check-machines: $*" >&2; exit 1; }
mkdir -p "$cache" || exit 1
t0=$(date +%s)

for tool in qemu-system-x86_64 qemu-system-aarch64 busybox jq readelf; do
	command -v "$tool" >/dev/null || die "no $tool: install qemu-system-x86," \
		"qemu-system-arm, busybox-static, jq and binutils (./quickstart test does)"
done

# --- downloads -------------------------------------------------------------
# The newest kernel a meta-package depends on, e.g. linux-image-6.1.0-57-arm64.
kernel_of() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -1
}
# fetch NAME PACKAGE FILE-IN-PACKAGE: unpack one file of a package to
# $cache/NAME, once.
fetch() {
	[ -s "$cache/$1" ] && return 0
	echo "check-machines: fetching $2"
	rm -rf "$cache/deb" && mkdir -p "$cache/deb" || exit 1
	(cd "$cache/deb" && apt-get download -q "$2") > "$cache/download.log" 2>&1 ||
		{ tail -3 "$cache/download.log" >&2; die "apt-get download $2 failed" \
			"(no package lists? as root: apt-get update)"; }
	dpkg-deb -x "$cache"/deb/*.deb "$cache/deb/root" || die "cannot unpack $2"
	# shellcheck disable=SC2086 # $3 is a glob inside the package
	cp $cache/deb/root/$3 "$cache/$1.tmp" && mv "$cache/$1.tmp" "$cache/$1" ||
		die "$2 has no $3"
	rm -rf "$cache/deb"
}
if [ ! -s "$cache/vmlinuz-x86_64" ]; then
	k=$(kernel_of linux-image-cloud-amd64)
	[ -n "$k" ] || die "apt knows no linux-image-cloud-amd64 (apt-get update?)"
	fetch vmlinuz-x86_64 "$k" 'boot/vmlinuz-*'
fi
if [ ! -s "$cache/vmlinuz-aarch64" ]; then
	k=$(kernel_of linux-image-arm64:arm64)
	[ -n "$k" ] || die "apt knows no linux-image-arm64:arm64 (dpkg --add-architecture" \
		"arm64 && apt-get update; ./quickstart test does)"
	fetch vmlinuz-aarch64 "$k:arm64" 'boot/vmlinuz-*'
fi
fetch busybox-aarch64 busybox-static:arm64 bin/busybox

# --- the aarch64 build -------------------------------------------------------
echo "check-machines: the aarch64 build (make check-aarch64's tree)"
export srcdir builddir MAKE
AARCH64_BUILD_ONLY=1 sh "$srcdir/tests/reliability/aarch64.sh" || die "the aarch64 build failed"
sysroot=$builddir/build/aarch64/sysroot

# --- initramfs ---------------------------------------------------------------
# needed PROGRAM ROOT DIR...: the shared libraries PROGRAM loads, found in
# DIRs under ROOT, recursively, and its dynamic loader: one path a line, as
# seen from inside the guest.
needed() {
	prog=$1 root=$2
	shift 2
	readelf -l "$prog" | sed -n 's/.*interpreter: \(.*\)]/\1/p'
	todo=$prog seen=
	while [ -n "$todo" ]; do
		next=
		for f in $todo; do
			for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
				case " $seen " in *" $lib "*) continue ;; esac
				seen="$seen $lib"
				for d in "$@"; do
					if [ -e "$root$d/$lib" ]; then
						echo "$d/$lib"
						next="$next $root$d/$lib"
						break
					fi
				done
			done
		done
		todo=$next
	done
}

# initramfs ARCH CONTEND BUSYBOX ROOT LIBDIRS MACHINE MISPLACE: the guest's
# initramfs, with MACHINE (guest_init.sh's variables) as /etc/machine and
# MISPLACE (the planted bugs, tests/machines/misplace.c) as /lib/misplace.so.
initramfs() {
	arch=$1 contend=$2 bb=$3 root=$4 libdirs=$5 machine=$6 misplace=$7
	ir=$tree/$arch/root
	rm -rf "$ir" && mkdir -p "$ir/bin" "$ir/lib" "$ir/etc" "$ir/proc" "$ir/sys" "$ir/dev" ||
		exit 1
	cp "$bb" "$ir/bin/busybox" && chmod +x "$ir/bin/busybox" || exit 1
	for app in sh mount cat ls sed tr wc mkdir env timeout tar gzip base64 poweroff; do
		ln -s busybox "$ir/bin/$app"
	done
	cp "$contend" "$ir/bin/contend" || exit 1
	# shellcheck disable=SC2086 # libdirs is a word list
	for f in $(needed "$contend" "$root" $libdirs) ; do
		mkdir -p "$ir${f%/*}" && cp -L "$root$f" "$ir$f" || die "cannot copy $root$f"
	done
	cp "$misplace" "$ir/lib/misplace.so" || die "no $misplace"
	cp "$srcdir/tests/machines/guest_init.sh" "$ir/init" && chmod +x "$ir/init" || exit 1
	printf '%s\n' "$machine" > "$ir/etc/machine"
	(cd "$ir" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) \
		> "$tree/$arch/initramfs.gz" || die "cannot pack the $arch initramfs"
}

native_dirs="/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /lib"
arm_dirs="/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib"
[ "$(uname -m)" = x86_64 ] || die "the x86_64 guest runs this build's contend: x86_64 hosts only"
initramfs x86_64 "$builddir/contend" /bin/busybox "" "$native_dirs" \
	"NCPUS=16 LASTNODE=3 CPULIST=15,0,9,6 OVER=64" \
	"$builddir/tests/machines/.libs/libmisplace.so"
initramfs aarch64 "$builddir/build/aarch64/contend" "$cache/busybox-aarch64" "$sysroot" \
	"$arm_dirs" "NCPUS=8 LASTNODE=1 CPULIST=7,0,5 OVER=32" \
	"$builddir/build/aarch64/tests/machines/.libs/libmisplace.so"
t1=$(date +%s)

# --- boot --------------------------------------------------------------------
# boot ARCH QEMU-ARGS...: run the guest, keep its console, unpack its outputs
# into $tree/ARCH/out.
boot() {
	arch=$1
	shift
	out=$tree/$arch/out
	rm -rf "$out" && mkdir -p "$out" || exit 1
	echo "check-machines: booting the $arch machine"
	b0=$(date +%s)
	timeout -k 10 "$GUEST_TIMEOUT" "$@" -accel tcg,thread=single -m 2G \
		-initrd "$tree/$arch/initramfs.gz" -display none -monitor none \
		-serial stdio -no-reboot < /dev/null > "$tree/$arch/console.log" 2>&1
	rc=$?
	tr -d '\r' < "$tree/$arch/console.log" |
		sed -n '/^=== check-machines output begin/,/^=== check-machines output end/p' |
		sed '1d;$d' | base64 -d 2>/dev/null | tar xzf - -C "$out" 2>/dev/null
	echo "check-machines: $arch guest: exit $rc, $(($(date +%s) - b0)) s"
}
nodes4="-object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M
-object memory-backend-ram,id=m2,size=512M -object memory-backend-ram,id=m3,size=512M
-numa node,nodeid=0,memdev=m0 -numa node,nodeid=1,memdev=m1
-numa node,nodeid=2,memdev=m2 -numa node,nodeid=3,memdev=m3
-numa cpu,node-id=0,socket-id=0,core-id=0 -numa cpu,node-id=0,socket-id=0,core-id=1
-numa cpu,node-id=1,socket-id=0,core-id=2 -numa cpu,node-id=1,socket-id=0,core-id=3
-numa cpu,node-id=2,socket-id=1,core-id=0 -numa cpu,node-id=2,socket-id=1,core-id=1
-numa cpu,node-id=3,socket-id=1,core-id=2 -numa cpu,node-id=3,socket-id=1,core-id=3"
# An Intel CPU model: with qemu's default AMD one the guest kernel sees no
# SMT siblings (it would need AMD's topoext).
# shellcheck disable=SC2086 # nodes4 is a word list
boot x86_64 qemu-system-x86_64 -machine q35 -cpu max,vendor=GenuineIntel \
	-smp 16,sockets=2,dies=1,cores=4,threads=2 $nodes4 \
	-kernel "$cache/vmlinuz-x86_64" -append "console=ttyS0 quiet loglevel=1 panic=-1"
boot aarch64 qemu-system-aarch64 -machine virt -cpu cortex-a57 \
	-smp 8,sockets=2,cores=4,threads=1 \
	-object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G \
	-numa node,nodeid=0,memdev=m0 -numa node,nodeid=1,memdev=m1 \
	-numa cpu,node-id=0,socket-id=0 -numa cpu,node-id=1,socket-id=1 \
	-kernel "$cache/vmlinuz-aarch64" -append "console=ttyAMA0 quiet loglevel=1 panic=-1"
t2=$(date +%s)

# --- checks --------------------------------------------------------------------
log=$tree/test-suite.log
tap=$tree/check.tap
CONTEND=$builddir/contend sh "$srcdir/tests/machines/check.sh" \
	"$tree/x86_64/out" "packages=2 numa_nodes=4 cores=8 pus=16 smt=true" \
	"$tree/aarch64/out" "packages=2 numa_nodes=2 cores=8 pus=8 smt=false" > "$tap" 2>&1
status=$?
pass=$(grep -c '^ok ' "$tap") fail=$(grep -c '^not ok ' "$tap")
skip=$(grep -c '^ok .*# SKIP' "$tap")
pass=$((pass - skip))
grep -q '^1\.\.[0-9]' "$tap" || fail=$((fail + 1))
{
	echo "check-machines: the TAP output of tests/machines/check.sh"
	echo "# TOTAL: $((pass + fail + skip))"
	echo "# PASS: $pass"
	echo "# SKIP: $skip"
	echo "# XFAIL: 0"
	echo "# FAIL: $fail"
	echo "# XPASS: 0"
	echo "# ERROR: 0"
	echo
	cat "$tap"
} > "$log"
grep '^not ok' "$tap" | head -60
[ "$fail" -gt 0 ] && status=1
echo "check-machines: downloads and initramfs $((t1 - t0)) s, guests $((t2 - t1)) s," \
	"checks $(($(date +%s) - t2)) s ($log)"
echo "check-machines: $pass passed, $fail failed, $skip skipped"
exit "$status"
