#!/bin/sh
# profile_errors.sh - bad input to `contend profile`: one line on stderr
# naming what was wrong, exit 2 for a usage error, 127 for a program that
# is not there, 126 for one that cannot be executed (as a shell does), the
# program not started and nothing written. Table-driven: one row per case,
# "STATUS|WORD|ARGS" (ARGS split at spaces; @D is the scratch directory).
set -u
: "${top_srcdir:?}" "${CONTEND:?}" "${top_builddir:?}"
. "$top_srcdir/tests/lib/tap.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/profile-errors.XXXXXX") || tap_bail "mktemp failed"
trap 'rm -rf "$d"' EXIT
fail() { tap_fail "$*"; }

mkdir "$d/dir" "$d/ro" "$d/full"
echo "the user's" >"$d/full/keep"
printf '#!/bin/sh\necho hi\n' >"$d/notexec"
chmod 644 "$d/notexec"
chmod 555 "$d/ro"
ran="$d/dir/ran"
# A read-only directory does not stop root; that row is then skipped.
ro_works=true
if touch "$d/ro/x" 2>/dev/null; then ro_works=false; rm -f "$d/ro/x"; fi

while IFS='|' read -r want word args; do
	case $want in ''|'#'*) continue ;; esac
	case $args in *@D/ro/*) $ro_works || continue ;; esac
	args=$(printf '%s' "$args" | sed "s|@D|$d|g")
	word=$(printf "%s" "$word" | sed "s|@D|$d|g")
	before=$(cd "$d" && find . | sort)
	# shellcheck disable=SC2086
	"$CONTEND" profile $args >"$d/out" 2>"$d/err"
	rc=$?
	lines=$(wc -l <"$d/err")
	after=$(cd "$d" && find . | sort | grep -v -e '^\./out$' -e '^\./err$')
	before=$(printf '%s\n' "$before" | grep -v -e '^\./out$' -e '^\./err$')
	if [ "$rc" -ne "$want" ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$word" "$d/err"; then
		fail "profile $args: exit $rc (want $want), stderr: $(cat "$d/err") [want one line with '$word']"
	elif [ -s "$d/out" ]; then
		fail "profile $args: wrote on stdout: $(cat "$d/out")"
	elif [ "$before" != "$after" ]; then
		fail "profile $args: left files behind: $(printf '%s\n' "$after" | grep -vxF -- "$before")"
	fi
	tap_case "profile $args -> exit $want, one line naming '$word'"
done <<EOF_TABLE
# usage errors (2): the program must not run (it would create @D/dir/ran)
2|nosuch|--lock nosuch -- touch $ran
2|nosuch|--compare-locks mcs,nosuch -- touch $ran
2|--top|--top 0 -- touch $ran
2|--frames|--frames 17 -- touch $ran
2|--bogus|--bogus -- touch $ran
2|no command|--lock mcs
2|@D/none/p.json|-o @D/none/p.json -- touch $ran
2|is a directory|-o @D/dir -- touch $ran
2|@D/ro/p.json|-o @D/ro/p.json -- touch $ran
2|@D/none/p.json|--compare-locks mcs -o @D/none/p.json -- touch $ran
2|@D/none/f.txt|--folded @D/none/f.txt -- touch $ran
2|is a directory|--folded @D/dir -o @D/p.json -- touch $ran
2|@D/ro/f.txt|--folded @D/ro/f.txt -- touch $ran
2|exclude|--folded @D/f.txt --compare-locks mcs -- touch $ran
2|@D/full|--html @D/full -- touch $ran
2|@D/none/h|--html @D/none/h -- touch $ran
2|exclude|--html @D/h --compare-locks mcs -- touch $ran
# a program that is not there (127) or cannot be run (126)
127|@D/no-such-program|-o @D/p.json -- @D/no-such-program
127|contend-no-such-command|-o @D/p.json -- contend-no-such-command arg
127|contend-no-such-command|--compare-locks mcs -o @D/p.json -- contend-no-such-command
126|@D/notexec|-o @D/p.json -- @D/notexec
126|is a directory|-o @D/p.json -- @D/dir
EOF_TABLE

tap_done
