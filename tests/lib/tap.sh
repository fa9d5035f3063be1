# tap.sh - the Test Anything Protocol for the shell tests (sourced; automake's
# tap-driver reads it: `make check` then names each failing case in the
# test's .log). POSIX sh.
#
#   tap_ok NAME            one passed case: "ok N - NAME"
#   tap_not_ok NAME        one failed case: "not ok N - NAME"
#   tap_result RC NAME     ok when RC is 0
#   tap_fail WHAT          one failed check inside a case: "# FAIL: WHAT",
#                          and the case tap_case closes next fails
#   tap_case NAME          closes a case: ok when no tap_fail since the last
#   tap_skip WHY NAME      a case not run: "ok N - NAME # SKIP WHY"
#   tap_skip_all WHY       the whole test not run: "1..0 # SKIP WHY", exit
#   tap_diag TEXT...       comment lines ("# TEXT"; the log only)
#   tap_diag_file FILE     a file's lines as comments (at most 40)
#   tap_bail WHY           a setup error: "Bail out! WHY", exit 1
#   tap_done               the plan "1..N" after the cases, then exits 1
#                          when a case failed (or none ran), 0 otherwise
#
# The plan comes last, so a script that dies half way has none and the
# driver reports it as an error. Whatever else a test prints on stdout must
# not start with "ok" or "not ok": send it through tap_diag or to stderr.

tap_n=0
tap_failed=0
tap_pending=0
# Exit status of a whole-test skip: 0, the plan says it.
: "${TAP_SKIP_STATUS:=0}"

# A '#' in a name would start a directive.
tap__name() { printf '%s' "$*" | tr '#\n' '% '; }

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $(tap__name "$*")"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $(tap__name "$*")"
}

tap_result() {
	tap__rc=$1
	shift
	if [ "$tap__rc" -eq 0 ]; then tap_ok "$@"; else tap_not_ok "$@"; fi
}

tap_diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

tap_diag_file() { [ -f "$1" ] && sed -n '1,40s/^/# /p' "$1"; return 0; }

tap_fail() {
	tap_pending=$((tap_pending + 1))
	tap_diag "FAIL: $*"
}

tap_case() {
	if [ "$tap_pending" -eq 0 ]; then tap_ok "$@"; else tap_not_ok "$@"; fi
	tap_pending=0
}

tap_skip() {
	tap__why=$1
	shift
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $(tap__name "$*") # SKIP $tap__why"
}

tap_skip_all() {
	echo "1..0 # SKIP $(tap__name "$*")"
	exit "$TAP_SKIP_STATUS"
}

tap_bail() {
	echo "Bail out! $*"
	exit 1
}

tap_done() {
	[ "$tap_pending" -eq 0 ] || tap_case "checks after the last case"
	if [ "$tap_n" -eq 0 ]; then
		echo "1..0"
		tap_diag "no case ran"
		exit 1
	fi
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] || { tap_diag "$tap_failed of $tap_n cases failed"; exit 1; }
	exit 0
}
