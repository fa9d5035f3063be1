# report_browser.sh - the report works in a real browser: headless Chromium
# loads index.html from disk (file://, no network) and the page's own script
# reports on <body>: every image decodes (data-broken-images), the summary's
# first finding is on the first screen (data-first-finding-bottom), and a
# click on a header sorts the table (the #sort= fragment clicks it on load;
# data-sorted, and the rows' order in the DOM). The page logs nothing to the
# console (an error or a warning would), and a screenshot is not blank.
# Skips (TAP "1..0 # SKIP") without Chromium or gnuplot.
# CI: apt-get install chromium gnuplot-nox (fonts-dejavu-core comes with them).
. "$top_srcdir/tests/lib/plot_lib.sh"
need_gnuplot

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
	for b in chromium chromium-browser google-chrome; do
		if command -v $b >/dev/null 2>&1; then
			browser=$b
			break
		fi
	done
fi
[ -n "$browser" ] || tap_skip_all "Chromium not installed (Debian: apt-get install chromium)"

"$CONTEND" report "$DATA/sweep-alpha.json" -o "$T/report" >/dev/null 2>"$T/stderr" ||
	{ fail "report exited $? ($(cat "$T/stderr"))"; finish; }
want=$(grep -c '<img src=' "$T/report/index.html")

# A fresh profile each time; no network, no first-run or update machinery;
# a timeout because the first start can take many seconds. The console goes
# to $T/console (--enable-logging): Chromium logs each console message as a
# line with CONSOLE.
run_browser() {
	url=$1
	shift
	rm -rf "$T/profile"
	mkdir "$T/profile"
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$T/profile" --virtual-time-budget=10000 \
		--enable-logging=stderr --v=0 "$@" "$url" 2>>"$T/console"
}

# The console check catches an error: a page with a broken script.
printf '<!DOCTYPE html><html><body><script>nosuchfunction();</script></body></html>\n' >"$T/bad.html"
: >"$T/console"
run_browser "file://$T/bad.html" --dump-dom >/dev/null
grep -q 'CONSOLE.*Uncaught' "$T/console" || fail "negative control: a script error left no console line"

: >"$T/console"
run_browser "file://$T/report/index.html" --window-size=1280,800 --dump-dom >"$T/dom.html"
body=$(grep -o '<body[^>]*>' "$T/dom.html" | head -1)
case $body in
*"data-images=\"$want\""*"data-broken-images=\"0\""*) ok "Chromium decoded all $want images" ;;
*data-broken-images*) fail "broken images in Chromium: $body" ;;
*) fail "page did not load or its script did not run: '$body' ($(tail -3 "$T/console"))" ;;
esac
if grep 'CONSOLE' "$T/console" >"$T/console.lines"; then
	fail "the page wrote to the console: $(head -3 "$T/console.lines")"
else
	ok "no console message"
fi
# The first finding ends within the first 800-pixel screen.
bottom=$(printf '%s\n' "$body" | sed -n 's/.*data-first-finding-bottom="\([0-9]*\) of \([0-9]*\)".*/\1 \2/p')
set -- $bottom
if [ $# -eq 2 ] && [ "$1" -gt 0 ] && [ "$1" -le "$2" ]; then
	ok "summary on the first screen (first finding ends at $1 of $2 px)"
else
	fail "summary not on the first screen: '$bottom'"
fi

# Sorting: the throughput column (the 7th), ascending after one click,
# descending after two; the failed point (no figure) last both ways.
order() {
	sed 's/<tr/\n<tr/g' "$1" | sed -n '/^<tr[^>]*data-lock=/p' |
		sed 's/<\/td>/\n/g' | awk '/^<tr/ { n = 0 } { n++ } n == 7' |
		sed -n 's/.*data-v="\([^"]*\)".*/\1/p; t; s/.*/missing/p'
}
run_browser "file://$T/report/index.html#sort=throughput" --dump-dom >"$T/asc.html"
grep -q 'data-sorted="throughput ascending"' "$T/asc.html" || fail "no sort after a click on throughput"
order "$T/asc.html" >"$T/asc"
[ "$(wc -l <"$T/asc")" -eq 32 ] || fail "$(wc -l <"$T/asc") rows after sorting, want 32"
grep -v missing "$T/asc" | sort -g -c 2>/dev/null || fail "rows not ascending by throughput: $(head -5 "$T/asc" | tr '\n' ' ')"
[ "$(tail -1 "$T/asc")" = missing ] || fail "the failed point is not last"
run_browser "file://$T/report/index.html#sort=throughput&sort=throughput" --dump-dom >"$T/desc.html"
grep -q 'data-sorted="throughput descending"' "$T/desc.html" || fail "second click did not reverse"
order "$T/desc.html" >"$T/desc"
grep -v missing "$T/desc" | sort -g -r -c 2>/dev/null || fail "rows not descending by throughput"
[ "$(tail -1 "$T/desc")" = missing ] || fail "the failed point is not last after reversing"
# Filtering by lock and threads (the fragment fills the inputs).
run_browser "file://$T/report/index.html#lock=mcs&threads=8" --dump-dom >"$T/filter.html"
grep -q 'data-shown="2"' "$T/filter.html" || fail "filter mcs, 8 threads: $(grep -o 'data-shown="[0-9]*"' "$T/filter.html")"
ok "a click on a header sorts the table both ways; lock and threads filter it"

run_browser "file://$T/report/index.html" --window-size=1280,2400 --screenshot="$T/shot.png" >/dev/null
# Once in CI (make -j2 check beside the oversubscribed lock tests) Chromium's
# zygote process exited a second after start ("Socket closed prematurely",
# no page or console error) and no screenshot was written; not seen in 5
# reruns. That is the browser failing, not the page: such a run is tried
# once more, and a second failure, or any other, still fails.
if [ ! -s "$T/shot.png" ] && grep -q 'zygote.*Socket closed prematurely' "$T/console"; then
	echo "# Chromium's zygote exited before the screenshot ($(grep -c zygote "$T/console") lines): one more try"
	: >"$T/console"
	run_browser "file://$T/report/index.html" --window-size=1280,2400 --screenshot="$T/shot.png" >/dev/null
fi
if [ ! -s "$T/shot.png" ]; then
	fail "no screenshot ($(tail -3 "$T/console"))"
	ok "screenshot taken"
	finish
fi
# Not blank: sample every 8th pixel each way and ask for spread in colour;
# a blank page has a standard deviation of 0.
stddev=$(gnuplot -e "set table \$px; plot '$T/shot.png' binary filetype=png every 8:8 with rgbimage;
	unset table; stats \$px using (\$3+\$4+\$5) nooutput; print int(STATS_stddev)" 2>&1 | tail -1)
case $stddev in
'' | *[!0-9]*) fail "could not measure the screenshot: $stddev"
	ok "screenshot is not blank" ;;
*) [ "$stddev" -gt 10 ] || fail "screenshot looks blank"
	ok "screenshot is not blank (pixel stddev $stddev)" ;;
esac
finish
