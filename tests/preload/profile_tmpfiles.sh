#!/bin/sh
# profile_tmpfiles.sh - no writer of contend follows a symlink planted at a
# temporary or per-process file name. Symlinks to a victim file are planted
# at every name a writer could pick predictably (FILE.tmp.<pid> and
# FILE.<pid>.tmp.<pid> for the next pids, FILE.<pid> for the profiled
# program's children), then `contend profile -o`, `profile --compare-locks
# -o`, `run -o`, `plot -o`, `report -o` and `compare -o` write into the same
# directory. The victim must keep its content, every output must be a plain
# file or directory of ours, and nothing else in the directory may appear,
# vanish or change. Runs in a private directory, so the symlinks are
# followed whoever runs the test (root ignores fs.protected_symlinks there).
set -u
: "${CONTEND:?}" "${top_builddir:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
DATA="$top_srcdir/tests/data"
d=$(mktemp -d "${TMPDIR:-/tmp}/profile-tmpfiles.XXXXXX") || tap_bail "mktemp failed"
trap 'rm -rf "$d"' EXIT
fail() { tap_fail "$*"; }
pass() { :; }

victim="$d/victim"
echo "not yours" >"$victim"
# A window of pids from the next one on (10000: other jobs on the machine
# use pids too), planted by one process (perl, part
# of every Debian system): a shell loop of ln would use up the pids itself.
plant() { # plant PREFIX [SUFFIX-AFTER-PID]: PREFIX<pid>SUFFIX... -> victim
	perl -e 'my ($v, $n, @pre) = @ARGV; my $p0 = $$; my $max = 32768;
		if (open(my $f, "<", "/proc/sys/kernel/pid_max")) { $max = <$f> + 0 }
		for my $k (0 .. $n) { my $i = $p0 + $k;
			$i = 300 + ($i - $max) if $i >= $max; # pids wrap past pid_max
			for my $pre (@pre) {
			my $name = $pre; $name =~ s/PID/$i/g; symlink($v, $name) } }' \
		"$victim" 10000 "$@"
}
plant "$d/p.json.tmp.PID" "$d/cmp.json.tmp.PID" "$d/fork.json.tmp.PID" \
	"$d/fork.json.PID" "$d/fork.json.PID.tmp.PID"
snapshot() { ls -A "$d" | grep -v -e '^fork\.json\.[0-9]*$' -e '^p\.json$' -e '^cmp\.json$' -e '^fork\.json$' \
	-e '^run\.json$' -e '^plot$' -e '^report$' -e '^compare$' | sort; }
snapshot >"$d/../before.$$"

# Each writer, its output in $d.
"$CONTEND" profile -o "$d/p.json" -- "$T/preload_contend" mixed 2000 2 >/dev/null 2>&1 ||
	fail "contend profile -o exited $?"
"$CONTEND" profile --compare-locks mcs -o "$d/cmp.json" -- \
	"$T/preload_contend" contended 1000 2 >/dev/null 2>&1 ||
	fail "contend profile --compare-locks -o exited $?"
"$CONTEND" profile -o "$d/fork.json" -- "$T/preload_fork" >/dev/null 2>&1 ||
	fail "contend profile -- preload_fork exited $?"
"$CONTEND" run -q -o "$d/run.json" --locks tas --threads 1 --cs 0 --duration 20ms \
	--warmup 0 --repeat 1 >/dev/null 2>&1 || fail "contend run -o exited $?"
if command -v gnuplot >/dev/null 2>&1; then
	"$CONTEND" plot "$DATA/sweep-beta.json" -o "$d/plot" >/dev/null 2>&1 ||
		fail "contend plot -o exited $?"
	"$CONTEND" report "$DATA/sweep-beta.json" -o "$d/report" >/dev/null 2>&1 ||
		fail "contend report -o exited $?"
	"$CONTEND" compare "$DATA/compare-base.json" "$DATA/compare-new.json" \
		-o "$d/compare" >/dev/null 2>&1 || fail "contend compare -o exited $?"
fi

tap_case "every writer of contend runs with symlinks planted at its temporary names"

# The pids fell in the planted window (else the run proves less: say so).
pid=$(sed -n 's/^  "pid": \([0-9]*\),$/\1/p' "$d/p.json" 2>/dev/null)
if [ -z "$pid" ] || ! [ -L "$d/p.json.tmp.$pid" ]; then
	tap_diag "note: the profiled program's pid ${pid:-?} fell outside the planted window"
fi
if [ "$(cat "$victim")" = "not yours" ]; then pass; else
	fail "the victim was overwritten through a planted symlink: $(head -c 200 "$victim")"
fi
for f in p.json cmp.json fork.json run.json; do
	if [ -f "$d/$f" ] && [ ! -L "$d/$f" ]; then pass; else
		fail "$f is not a plain file: $(ls -l "$d/$f" 2>&1)"
	fi
done
for dir in plot report compare; do
	command -v gnuplot >/dev/null 2>&1 || break
	if [ -d "$d/$dir" ] && [ ! -L "$d/$dir" ]; then pass; else
		fail "$dir is not a directory: $(ls -ld "$d/$dir" 2>&1)"
	fi
done
snapshot >"$d/../after.$$"
if cmp -s "$d/../before.$$" "$d/../after.$$"; then pass; else
	fail "files beside the outputs appeared or vanished:"
	diff "$d/../before.$$" "$d/../after.$$" | head -20
fi
rm -f "$d/../before.$$" "$d/../after.$$"
tap_case "no symlink followed: victim intact, outputs plain, nothing else written"

# The children's profiles (preload_fork: one fork, one exec) are plain
# files: a symlink planted at FILE.<pid> is replaced by the rename, not
# followed.
n=$(find "$d" -maxdepth 1 -type f -name 'fork.json.[0-9]*' | wc -l)
if [ "$n" -eq 2 ]; then pass; else fail "$n children's profiles (FILE.<pid>), not 2"; fi
# The planted symlinks still point at the victim (none was replaced or used).
bad=$(find "$d" -maxdepth 1 -type l ! -lname "$victim" | head -5)
if [ -z "$bad" ]; then pass; else fail "planted symlinks changed: $bad"; fi
tap_case "children's profiles replace the planted links; the planted links untouched"
tap_done
