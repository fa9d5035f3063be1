#!/bin/sh
# guest_init.sh - /init of make check-machines' guests (tests/machines/
# machines.sh builds the initramfs around it). It runs contend the ways the
# checks need, records the kernel's own view of the topology, and sends
# every output back over the serial console as a base64 tar between two
# marker lines; tests/machines/check.sh judges them on the host. Nothing
# is judged here: the guest only has busybox.
# /etc/machine sets NCPUS (CPUs), LASTNODE (highest node), CPULIST (an
# explicit pin list) and OVER (threads for the oversubscribed sweep).
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
. /etc/machine
mkdir -p /out /tmp
cd /out || exit 1

# The kernel's view, one line per CPU: cpu package core node siblings.
for d in /sys/devices/system/cpu/cpu[0-9]*; do
	cpu=${d##*/cpu}
	node=$(ls -d "$d"/node[0-9]* 2>/dev/null | sed 's/.*node//')
	echo "$cpu $(cat "$d/topology/physical_package_id") $(cat "$d/topology/core_id")" \
		"${node:--1} $(cat "$d/topology/thread_siblings_list")"
done > sysfs.txt
uname -r > kernel.txt

# Tiny windows: timing in an emulator means nothing, placement does.
# shellcheck disable=SC2086 # SHORT is a word list, used unquoted below
SHORT="--cs 100ns --duration 20ms --warmup 0 --repeat 1 --sample-every off -q"
# A hung command must not hang the guest until the host's timeout: each
# gets 240 s (seconds to minutes are what they take under TCG).
run() {
	name=$1
	shift
	echo "check-machines guest: $name"
	timeout 240 env "$@" > "$name.out" 2> "$name.err"
	echo $? > "$name.rc"
}
run topo contend topo --json
for pin in compact scatter cores "$CPULIST"; do
	tag=$(echo "$pin" | tr ',-' '_.')
	threads=3,$NCPUS
	# an explicit list: as many threads as it names, and fewer
	case $pin in *,*) threads=2,$(echo "$pin" | tr ',' '\n' | wc -l) ;; esac
	run "pin-$tag" contend run --locks mcs,futex --threads "$threads" --pin "$pin" \
		$SHORT -o "pin-$tag.json"
done
for mem in local interleave "node:$LASTNODE"; do
	tag=$(echo "$mem" | tr ':' '_')
	run "mem-$tag" contend run --locks mcs --threads "$NCPUS" --pin scatter --mem "$mem" \
		$SHORT -o "mem-$tag.json"
done
run over contend run --locks mcs,futex,pthread --threads "1,$NCPUS,$OVER" --oversubscribe \
	$SHORT -o over.json
run probe contend probe --json --repeat 1
# The planted bugs (tests/machines/misplace.c): the checks must catch them.
run neg-pin MISPLACE=pin LD_PRELOAD=/lib/misplace.so contend run --locks mcs \
	--threads "$NCPUS" --pin compact $SHORT -o neg-pin.json
run neg-mem MISPLACE=mem LD_PRELOAD=/lib/misplace.so contend run --locks mcs \
	--threads "$NCPUS" --pin scatter --mem node:0 $SHORT -o neg-mem.json

echo "=== check-machines output begin"
tar czf - . | base64
echo "=== check-machines output end"
poweroff -f
