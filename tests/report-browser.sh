# report-browser.sh - the report renders in a real browser: headless
# Chromium loads index.html from disk, every image decodes (the page's own
# script counts broken images into <body data-broken-images>), and a
# screenshot is not blank. Skips (77) without Chromium or gnuplot.
# CI: apt-get install chromium gnuplot-nox (fonts-dejavu-core comes with them).
. "$top_srcdir/tests/plot-lib.sh"
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
if [ -z "$browser" ]; then
	echo "SKIP: Chromium not installed (Debian: apt-get install chromium)"
	exit 77
fi

"$CONTEND" report "$DATA/sweep-alpha.json" -o "$T/report" >/dev/null 2>"$T/stderr" ||
	{ fail "report exited $? ($(cat "$T/stderr"))"; finish; }
want=$(grep -c '<img src=' "$T/report/index.html")

# A fresh profile each time; no network, no first-run or update machinery;
# a timeout because the first start can take many seconds.
run_browser() {
	rm -rf "$T/profile"
	mkdir "$T/profile"
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$T/profile" --virtual-time-budget=10000 \
		"$@" "file://$T/report/index.html" 2>>"$T/browser.log"
}

run_browser --dump-dom >"$T/dom.html"
body=$(grep -o '<body[^>]*>' "$T/dom.html" | head -1)
case $body in
*"data-images=\"$want\""*"data-broken-images=\"0\""*) ok "Chromium decoded all $want images" ;;
*data-broken-images*) fail "broken images in Chromium: $body" ;;
*) fail "page did not load or its script did not run: '$body' ($(tail -3 "$T/browser.log"))" ;;
esac

run_browser --window-size=1280,2400 --screenshot="$T/shot.png" >/dev/null
if [ ! -s "$T/shot.png" ]; then
	fail "no screenshot ($(tail -3 "$T/browser.log"))"
	finish
fi
# Not blank: sample every 8th pixel each way and ask for spread in colour;
# a blank page has a standard deviation of 0.
stddev=$(gnuplot -e "set table \$px; plot '$T/shot.png' binary filetype=png every 8:8 with rgbimage;
	unset table; stats \$px using (\$3+\$4+\$5) nooutput; print int(STATS_stddev)" 2>&1 | tail -1)
case $stddev in
'' | *[!0-9]*) fail "could not measure the screenshot: $stddev" ;;
*) [ "$stddev" -gt 10 ] && ok "screenshot is not blank (pixel stddev $stddev)" ||
	fail "screenshot looks blank (pixel stddev $stddev)" ;;
esac
finish
