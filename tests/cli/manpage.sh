#!/bin/sh
# manpage.sh - the man page and every subcommand's --help agree: each long
# option a subcommand's --help lists is documented in doc/contend.1, and each
# subcommand the program offers has a section there.
set -u
: "${CONTEND:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
man=$top_srcdir/doc/contend.1
# the man page's text with troff's escaped hyphens made plain
text=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$man")
subs=$("$CONTEND" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$subs" ] || tap_bail "no subcommands in contend --help"
for sub in $subs; do
	printf '%s\n' "$text" | grep -q "^\.SS contend $sub\$" ||
		tap_fail "doc/contend.1 has no section for 'contend $sub'"
	# the options the help lists: lines that start with one (after an
	# optional short form), not options named in passing in the prose
	opts=$("$CONTEND" "$sub" --help | grep -oE -- '^ +(-[a-zA-Z], +)?--[a-z][a-z-]*' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u)
	for o in $opts; do
		printf '%s\n' "$text" | grep -q -- "$o" ||
			tap_fail "contend $sub --help lists $o, doc/contend.1 does not"
	done
	tap_case "contend $sub: a section and its $(echo $opts | wc -w) options documented"
done
tap_done
