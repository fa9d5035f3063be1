# plot_lib.sh - sourced by tests/plot/*.sh:
# a scratch directory, failure reporting (TAP, tap.sh) and checks of image
# files. Needs top_srcdir and CONTEND from the test environment (Makefile.am).
#
# A test runs checks that call fail() when they do not hold, then names
# the case they make up with ok(): "ok N - name", or "not ok N - name" when
# a fail() came since the previous ok(). finish() ends the test.

: "${top_srcdir:?}" "${CONTEND:?}"
. "$top_srcdir/tests/lib/tap.sh"
DATA="$top_srcdir/tests/data"
T=$(mktemp -d "${TMPDIR:-/tmp}/contend-test.XXXXXX") || tap_bail "mktemp failed"
trap 'rm -rf "$T"' EXIT

fail() { tap_fail "$*"; }

ok() { tap_case "$*"; }

finish() { tap_done; }

need_gnuplot() {
	command -v gnuplot >/dev/null 2>&1 ||
		tap_skip_all "gnuplot not installed (Debian: gnuplot-nox)"
}

size_of() {
	wc -c <"$1" | tr -d ' '
}

# A PNG: signature, IHDR width x height as the templates draw, and enough
# bytes to hold axes, curves and text (an empty canvas compresses to ~5 KB).
check_png() {
	f=$1
	[ -f "$f" ] || { fail "$f missing"; return; }
	sig=$(od -An -tx1 -N8 "$f" | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || { fail "$f: not a PNG (signature $sig)"; return; }
	set -- $(od -An -tu1 -j16 -N8 "$f")
	w=$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
	h=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
	[ "$w" -eq 900 ] && [ "$h" -eq 540 ] || { fail "$f: ${w}x$h, want 900x540"; return; }
	s=$(size_of "$f")
	[ "$s" -gt 15000 ] && [ "$s" -lt 2000000 ] || { fail "$f: $s bytes"; return; }
}

# An SVG: one root element, closed, with drawn paths and text.
check_svg() {
	f=$1
	[ -f "$f" ] || { fail "$f missing"; return; }
	grep -q '<svg' "$f" || { fail "$f: no <svg"; return; }
	tail -c 200 "$f" | grep -q '</svg>' || { fail "$f: not closed by </svg>"; return; }
	paths=$(grep -c '<path' "$f")
	texts=$(grep -c '<text' "$f")
	[ "$paths" -gt 20 ] && [ "$texts" -gt 10 ] || { fail "$f: $paths paths, $texts texts"; return; }
	s=$(size_of "$f")
	[ "$s" -gt 10000 ] && [ "$s" -lt 5000000 ] || { fail "$f: $s bytes"; return; }
}

# Nothing named after TARGET may be left: neither it nor a staging dir.
check_no_output() {
	target=$1 what=$2
	if [ -e "$target" ] || ls -d "$target".tmp-* >/dev/null 2>&1; then
		fail "$what left $(ls -d "$target"* 2>/dev/null | tr '\n' ' ')"
	fi
}
