#!/bin/sh
# profile_html.sh - `contend profile --html DIR`: the page has the top-lock
# table and a flame graph drawn as inline SVG by contend, one rectangle per
# distinct calling context of the wait stacks (counted from the --folded
# file of the same run), and it renders in headless Chromium, offline: the
# page's script counts the rectangles the browser laid out into <body
# data-frames>, and the graph's width. Without Chromium only the file is
# checked.
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
T="$top_builddir/tests/preload"
d=$(mktemp -d "${TMPDIR:-/tmp}/profile-html.XXXXXX") || tap_bail "mktemp failed"
trap 'rm -rf "$d"' EXIT
fail() { tap_fail "$*"; }
pass() { :; }

out=$("$CONTEND" profile --html "$d/html" --folded "$d/f.txt" -o "$d/p.json" -- \
	"$T/preload_sites" split 2>"$d/err")
rc=$?
[ $rc -eq 0 ] && [ "$out" = "split done" ] && pass ||
	fail "profile --html: exit $rc, output '$out' ($(tail -3 "$d/err"))"
page="$d/html/index.html"
[ -f "$page" ] && pass || { fail "no $page"; tap_case "profile --html writes the page"; tap_done; }
# Nothing but the directory beside it (no staging directory left).
[ "$(ls -A "$d" | tr '\n' ' ')" = "err f.txt html p.json " ] && pass ||
	fail "left beside the output: $(ls -A "$d")"
# Names need libdw (configure's summary says whether contend has it).
if grep -q '"symbols": "libdw"' "$d/p.json"; then
	grep -q "wait_long" "$page" && grep -q "wait_short" "$page" && pass ||
		fail "the page does not name wait_long and wait_short"
else
	tap_diag "note: contend was built without libdw: names not checked"
fi
grep -q "<td>1</td>" "$page" && pass || fail "no rank 1 row in the table"
grep -q "src=\|href=\"http" "$page" && fail "the page loads something from outside" || pass
# Distinct calling contexts: every prefix of every folded stack, plus the root.
want=$(awk '{ sub(/ [0-9]+$/, ""); n = split($0, f, ";"); p = "";
	for (i = 1; i <= n; i++) { p = p ";" f[i]; seen[p] = 1 } }
	END { c = 1; for (k in seen) c++; print c }' "$d/f.txt")
expect_rects=$(grep -c "<rect" "$page")
[ "$expect_rects" = "$want" ] && pass ||
	fail "$expect_rects rectangles in the page, $want calling contexts in the folded file"
tap_case "profile --html: the page, its table and one rectangle per calling context"

browser=${CHROMIUM:-}
for b in chromium chromium-browser google-chrome; do
	[ -n "$browser" ] && break
	command -v $b >/dev/null 2>&1 && browser=$b
done
if [ -z "$browser" ]; then
	tap_skip "Chromium not installed" "the page renders in Chromium"
else
	mkdir "$d/profile"
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$d/profile" --virtual-time-budget=5000 \
		--dump-dom "file://$page" >"$d/dom.html" 2>"$d/browser.log"
	body=$(grep -o '<body[^>]*>' "$d/dom.html" | head -n 1)
	case $body in
	*"data-frames=\"$want\""*) pass ;;
	*) fail "Chromium did not lay out $want frames: '$body' ($(tail -3 "$d/browser.log"))" ;;
	esac
	w=$(printf '%s' "$body" | sed -n 's/.*data-flame-width="\([0-9]*\)".*/\1/p')
	[ "${w:-0}" -ge 1100 ] && pass || fail "the flame graph is ${w:-?} px wide in Chromium"
	tap_case "the page renders in Chromium: every frame laid out, full width"
fi

# A second run replaces the page (the directory is ours now).
"$CONTEND" profile --html "$d/html" -- "$T/preload_sites" split >/dev/null 2>&1 && pass ||
	fail "a second --html run into the same directory failed"
tap_case "a second --html run replaces the page"

tap_done
