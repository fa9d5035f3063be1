#!/bin/sh
# fuzz/smoke.sh TARGET - `make fuzz-smoke` for one fuzz target (options or
# results): build fuzz/fuzz_TARGET.c with clang's libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer, and fuzz it for FUZZ_SECONDS seconds,
# starting from the committed seed corpus fuzz/corpus-TARGET/ and the former
# crash inputs fuzz/regressions/TARGET/. New interesting inputs go to
# $work/corpus-TARGET (never into the source tree). A crash, leak, UB,
# timeout or broken invariant fails the target and leaves the input in
# $work/artifacts/: commit it to fuzz/regressions/TARGET/, where
# `make check` replays it for good (fuzz/README.md).
#
# Environment (tests/reliability/local.mk): srcdir, work, FUZZ_CC (clang),
# FUZZ_SECONDS (60), JANSSON_CFLAGS, JANSSON_LIBS. Without a clang that can
# link -fsanitize=fuzzer the target is skipped with a message, except under
# CI (CI set), where that is an error.
set -u
target=${1:-}
: "${srcdir:?}" "${work:?}"
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

case $target in
options)
	sources="$srcdir/fuzz/fuzz_options.c $srcdir/bench/util/parse.c"
	libs="-lm"
	;;
results)
	sources="$srcdir/fuzz/fuzz_results.c $srcdir/bench/results/reader.c $srcdir/bench/results/reader_schema.c
		$srcdir/bench/results/reader_validate.c"
	libs="${JANSSON_LIBS:-} -lm"
	;;
*)
	echo "usage: fuzz/smoke.sh options|results" >&2
	exit 2
	;;
esac

mkdir -p "$work/artifacts" "$work/corpus-$target" || exit 1
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu11"

probe=$work/probe-$target
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n' \
	> "$probe.c"
if ! $FUZZ_CC $flags "$probe.c" -o "$probe" > "$probe.log" 2>&1; then
	echo "fuzz-smoke $target: '$FUZZ_CC -fsanitize=fuzzer' does not link:"
	sed -n 1,3p "$probe.log"
	echo "fuzz-smoke $target: install clang and its libFuzzer run-time" \
		"(Debian 12: clang libclang-rt-14-dev)"
	if [ -n "${CI:-}" ]; then
		echo "fuzz-smoke $target: FAIL (CI must fuzz)"
		exit 1
	fi
	echo "fuzz-smoke $target: SKIP"
	exit 0
fi
rm -f "$probe" "$probe.c" "$probe.log"

bin=$work/fuzz_$target
# shellcheck disable=SC2086 # flag and library lists are word lists
if ! $FUZZ_CC $flags -I"$srcdir" -I"$srcdir/bench/util" -I"$srcdir/bench/results" -I"$srcdir/harness" -I"$srcdir/locks" -I"$srcdir/fuzz" ${JANSSON_CFLAGS:-} \
	$sources -o "$bin" $libs > "$work/build-$target.log" 2>&1; then
	cat "$work/build-$target.log"
	echo "fuzz-smoke $target: FAIL (build)"
	exit 1
fi

seeds="$srcdir/fuzz/corpus-$target"
[ -d "$srcdir/fuzz/regressions/$target" ] && seeds="$seeds $srcdir/fuzz/regressions/$target"
dict=
[ -f "$srcdir/fuzz/$target.dict" ] && dict="-dict=$srcdir/fuzz/$target.dict"
log=$work/fuzz-$target.log
echo "fuzz-smoke $target: fuzzing for $FUZZ_SECONDS s (log: $log)"
# shellcheck disable=SC2086
UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1" \
"$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/$target-" $dict \
	"$work/corpus-$target" $seeds > "$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
if [ $rc -ne 0 ]; then
	grep -B2 -A30 'ERROR: \|invariant broken\|SUMMARY' "$log" | head -60
	echo "fuzz-smoke $target: FAIL (exit $rc after ${runs:-?} runs). The input:"
	ls -1 "$work/artifacts/$target-"* 2>/dev/null
	echo "fuzz-smoke $target: reproduce with tests/reliability/fuzz_$target FILE; fix the bug and" \
		"commit the input to fuzz/regressions/$target/"
	exit 1
fi
echo "fuzz-smoke $target: ok, ${runs:-?} runs, $cov, corpus $(ls "$work/corpus-$target" | wc -l) new inputs"
