#!/bin/sh
# profile_pprof.sh - contend profile --pprof: the gzipped profile.proto is
# read by an independent reader, protoc --decode with the profile.proto that
# Debian's golang-github-google-pprof-dev ships, and its samples (call and
# mutex, functions and lines innermost first, contentions, wait ns) and hold
# samples must be the JSON of the same run, exactly. Bad input: an
# unwritable path is refused before the program runs; an output that
# cannot be written after the run leaves the program's status and output
# alone, says so in one line and leaves no file.
set -u
: "${CONTEND:?}" "${top_builddir:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
command -v jq >/dev/null 2>&1 || tap_skip_all "jq not installed"
command -v protoc >/dev/null 2>&1 || tap_skip_all "protoc not installed (protobuf-compiler)"
PROTO=$(dpkg -L golang-github-google-pprof-dev 2>/dev/null | grep '/proto/profile\.proto$' | head -n 1)
[ -n "$PROTO" ] || tap_skip_all "profile.proto not found (golang-github-google-pprof-dev)"
"$CONTEND" profile --pprof /dev/null -- true 2>&1 | grep -q 'without zlib' &&
	tap_skip_all "contend built without zlib"
d=$(mktemp -d "${TMPDIR:-/tmp}/profile-pprof.XXXXXX") || tap_bail "mktemp failed"
trap 'chmod -R u+w "$d" 2>/dev/null; rm -rf "$d"' EXIT
fail() { tap_fail "$*"; }
expect() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }

# decode FILE.pb.gz: one line per sample, "frame;frame;... c w h" with each
# frame FUNCTION:LINE (LINE 0 when none), innermost first; names resolved
# through the string table. protoc's exit status is decode's.
decode() {
	gzip -dc "$1" >"$d/raw.pb" || return 1
	protoc --proto_path="$(dirname "$PROTO")" --decode perftools.profiles.Profile \
		profile.proto <"$d/raw.pb" >"$d/decoded.txt" || return 1
	awk '
	function unq(s) { sub(/^[^"]*"/, "", s); sub(/"$/, "", s); return s }
	/^string_table:/ { str[ns++] = unq($0); next }
	/^[a-z_]+ \{$/ { top = $1; depth = 1; nl = 0; nv = 0; id = ""; fid = ""; ln = 0; next }
	depth == 1 && /^  [a-z_]+ \{$/ { depth = 2; next }
	depth == 2 && /^  \}$/ { depth = 1; next }
	top == "sample" && depth == 1 && /location_id:/ { loc[nl++] = $2 }
	top == "sample" && depth == 1 && /value:/ { val[nv++] = $2 }
	top == "location" && depth == 1 && /^  id:/ { id = $2 }
	top == "location" && depth == 2 && /function_id:/ { fid = $2 }
	top == "location" && depth == 2 && /line:/ { ln = $2 }
	top == "function" && depth == 1 && /^  id:/ { id = $2 }
	top == "function" && depth == 1 && /^  name:/ { fname[id] = $2 }
	/^\}$/ {
		if (top == "sample") {
			s = ""; for (i = 0; i < nl; i++) s = s (i ? ";" : "") "L" loc[i]
			samples[nsamp++] = s " " val[0] " " val[1] " " val[2]
		} else if (top == "location") { lfun[id] = fid; lline[id] = ln }
		top = ""; depth = 0
	}
	END {
		for (k = 0; k < nsamp; k++) {
			n = split(samples[k], f, " "); m = split(f[1], l, ";"); out = ""
			for (i = 1; i <= m; i++) {
				id = substr(l[i], 2)
				out = out (i > 1 ? ";" : "") str[fname[lfun[id]]] ":" lline[id]
			}
			print out " " f[2] " " f[3] " " f[4]
		}
	}' "$d/decoded.txt"
}

# The same lines from the JSON: the wait sites, then the hold samples.
from_json() {
	jq -r '.mutexes[] | . as $m |
		(.wait_sites[] | ([(if .kind == "lock" then "pthread_mutex_lock"
			elif .kind == "rdlock" then "pthread_rwlock_rdlock"
			elif .kind == "wrlock" then "pthread_rwlock_wrlock"
			elif .kind == "sem" then "sem_wait" elif .kind == "spin" then "pthread_spin_lock"
			else .kind end) + "@" + $m.address + ":0"] +
			[.frames[] | "\(.function // "null"):\(.line // 0)"] | join(";")) +
			" \(.contended) \(.wait_ns) 0"),
		(select(.hold_ns != null and .hold_ns.samples > 0) |
			"hold@\(.address):0 0 0 \(.hold_ns.samples * .hold_ns.mean)")' "$@"
}

# -- the samples against the JSON ---------------------------------------------
for mode in split rwlock; do
	out=$("$CONTEND" profile -o "$d/$mode.json" --pprof "$d/$mode.pb.gz" -- \
		"$T/preload_sites" "$mode" 2>"$d/$mode.err")
	expect "$mode: exit status" 0 $?
	expect "$mode: stdout" "$mode done" "$out"
	decode "$d/$mode.pb.gz" >"$d/$mode.got" || fail "$mode: protoc cannot decode the profile"
	# Functions without a name would decode as "" and in the JSON as
	# "null": compare only named profiles' lines; the count must agree.
	from_json "$d/$mode.json" | sed 's/null:0/:0/g' | sort >"$d/$mode.want"
	sort "$d/$mode.got" >"$d/$mode.gots"
	[ -s "$d/$mode.want" ] || fail "$mode: the JSON has no wait site (nothing to compare)"
	cmp -s "$d/$mode.want" "$d/$mode.gots" || {
		fail "$mode: the decoded samples are not the JSON's"
		tap_diag_file "$d/$mode.want"
		tap_diag "--- decoded:"
		tap_diag_file "$d/$mode.gots"
	}
	expect "$mode: sample types" "contentions count wait nanoseconds hold nanoseconds" \
		"$(awk '/^string_table:/ { s[n++] = $2 } /^sample_type/ { t = 1 }
			t && /type:/ { o = o " " $2 } t && /unit:/ { o = o " " $2; t = 0 }
			END { split(substr(o, 2), x, " "); r = "";
			      for (i = 1; i in x; i++) { v = s[x[i]]; gsub(/"/, "", v); r = r (i > 1 ? " " : "") v }
			      print r }' "$d/decoded.txt")"
	tap_case "$mode: protoc decodes the samples the JSON has"
done
if [ "$(jq -r .symbols "$d/split.json")" = libdw ]; then
	grep -q '^pthread_mutex_lock@[^;]*;wait_long:[1-9][0-9]*;run_long:' "$d/split.got" ||
		fail "no sample names wait_long < run_long with lines: $(cat "$d/split.got")"
	tap_case "split: function names and lines reach pprof"
else
	tap_skip "contend built without libdw" "split: function names and lines reach pprof"
fi

# Negative control: the reader does refuse what is not a profile.
printf 'not a profile' | gzip >"$d/junk.pb.gz"
printf '\377\377\377' | gzip >"$d/bad.pb.gz"
if decode "$d/bad.pb.gz" >/dev/null 2>&1; then
	fail "protoc decoded bytes that are no profile: the check above would pass vacuously"
fi
tap_case "negative control: protoc refuses a broken message"

# -- bad input ------------------------------------------------------------------
mkdir "$d/ro"
err=$("$CONTEND" profile --pprof "$d/nodir/p.pb.gz" -- sh -c 'echo ran' 2>&1)
expect "unwritable: exit status" 2 $?
expect "unwritable: lines" 1 "$(printf '%s\n' "$err" | wc -l)"
case $err in *--pprof*) ;; *) fail "the error does not name --pprof: $err" ;; esac
case $err in *ran*) fail "the program ran: $err" ;; esac
tap_case "--pprof into a missing directory: a usage error before the program runs"

# The directory disappears while the program runs: its status and output
# are its own, one line says what was not written, nothing is left.
mkdir "$d/gone"
out=$("$CONTEND" profile --pprof "$d/gone/p.pb.gz" -- \
	sh -c 'rmdir "$1"; echo out; exit 3' sh "$d/gone" 2>"$d/gone.err")
expect "gone: exit status" 3 $?
expect "gone: stdout" out "$out"
expect "gone: error lines" 1 "$(grep -c -- '--pprof' "$d/gone.err")"
[ -e "$d/gone" ] && fail "the directory came back: $(ls -la "$d/gone")"
tap_case "--pprof's directory removed during the run: status 3 and output kept"
tap_done
