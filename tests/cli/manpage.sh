#!/bin/sh
# manpage.sh - the man page and every subcommand's --help agree: each long
# option a subcommand's --help lists is documented in doc/contend.1, and each
# subcommand the program offers has a section there.
set -u
: "${CONTEND:?}" "${top_srcdir:?}"
man=$top_srcdir/doc/contend.1
fail=0
# the man page's text with troff's escaped hyphens made plain
text=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$man")
subs=$("$CONTEND" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$subs" ] || { echo "FAIL: no subcommands in contend --help"; exit 1; }
for sub in $subs; do
	printf '%s\n' "$text" | grep -q "^\.SS contend $sub\$" ||
		{ echo "FAIL: doc/contend.1 has no section for 'contend $sub'"; fail=1; }
	# the options the help lists: lines that start with one (after an
	# optional short form), not options named in passing in the prose
	opts=$("$CONTEND" "$sub" --help | grep -oE -- '^ +(-[a-zA-Z], +)?--[a-z][a-z-]*' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u)
	for o in $opts; do
		printf '%s\n' "$text" | grep -q -- "$o" ||
			{ echo "FAIL: contend $sub --help lists $o, doc/contend.1 does not"; fail=1; }
	done
	echo "ok   contend $sub: $(echo $opts | wc -w) options documented"
done
[ $fail -eq 0 ] && echo "PASS: man page matches --help"
exit $fail
