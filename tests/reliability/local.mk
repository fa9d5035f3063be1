# tests/reliability/local.mk: reliability beyond the correctness suite.
#
# In `make check` (every build):
#   stress_signals      sleeping locks oversubscribed under ~1 kHz signals
#   fuzz_options,       the fuzz targets replaying their seed corpus and
#   fuzz_results        every committed crash input (fuzz/regressions/)
#   crash_safety.sh     sweeps killed with SIGKILL at random moments
#   layering.sh         the layers include only what they may
# (Bad command lines and resource limits are in tests/cli, the sanitizer
# tests of the locks in tests/locks.)
#
# Targets of their own (each builds a separate tree under $(SANITIZE_DIR)):
#   make check-tsan   the lock tests built with -fsanitize=thread
#   make check-asan   the whole `make check` with ASan + UBSan (+ LSan)
#   make fuzz-smoke   each libFuzzer target FUZZ_SECONDS (60) with ASan+UBSan
# SANITIZE_JOBS (default 2) is their make -j.

check_PROGRAMS += tests/reliability/stress_signals tests/reliability/fuzz_options \
	tests/reliability/fuzz_results
tests_reliability_stress_signals_SOURCES = tests/reliability/stress_signals.c tests/lib/tap.h $(LOCKCHECK_SOURCES)
tests_reliability_stress_signals_LDADD = $(LOCKCHECK_LDADD)

# The fuzz targets with fuzz/replay.c as main (any compiler).
FUZZ_COMMON_SOURCES = fuzz/fuzz.h fuzz/replay.c
tests_reliability_fuzz_options_SOURCES = fuzz/fuzz_options.c bench/util/parse.c bench/util/parse.h \
	$(FUZZ_COMMON_SOURCES)
tests_reliability_fuzz_options_LDADD = -lm
tests_reliability_fuzz_results_SOURCES = fuzz/fuzz_results.c $(RESULTS_READER_SOURCES) \
	$(FUZZ_COMMON_SOURCES)
tests_reliability_fuzz_results_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_reliability_fuzz_results_LDADD = $(JANSSON_LIBS) -lm

# The layers stay apart (lock.h free of the loop, preload without it).
RELIABILITY_SHELL_TESTS = tests/reliability/crash_safety.sh tests/reliability/layering.sh \
	tests/reliability/readme_packages.sh
RELIABILITY_TESTS = tests/reliability/stress_signals tests/reliability/fuzz_options \
	tests/reliability/fuzz_results $(RELIABILITY_SHELL_TESTS)
TESTS += $(RELIABILITY_TESTS)

# Seed corpora, dictionaries and crash inputs are directories: dist copies
# them whole.
EXTRA_DIST += $(RELIABILITY_SHELL_TESTS) tests/reliability/sanitize.sh tests/reliability/mutant_ops.h \
	tests/reliability/tsan_sweep.sh tests/reliability/mutants.sh locks/MUTANTS.md fuzz/smoke.sh \
	fuzz/README.md fuzz/options.dict fuzz/results.dict fuzz/corpus-options \
	fuzz/corpus-results fuzz/regressions

SANITIZE_DIR = $(abs_top_builddir)/build/sanitize
SANITIZE_JOBS = 2
FUZZ_SECONDS = 60
FUZZ_CC = clang

# What the ThreadSanitizer tree runs: the correctness suite at 2 and 4
# threads, the expected failure, the sleeping-lock stress tests, and a
# whole sweep through the harness (tests/reliability/tsan_sweep.sh: a .sh
# test runs by suffix rule, so it needs no place in TESTS).
# Not tests/unit/harness: it runs the broken negative-control lock on purpose.
TSAN_TESTS = tests/locks/tsan_locks tests/locks/misordered_lock tests/reliability/stress_signals \
	tests/locks/clh_abandon tests/locks/mcs_tp_skip tests/locks/sem_destroy tests/locks/liveness \
	tests/locks/sem_permits tests/reliability/tsan_sweep.sh

SANITIZE_ENV = srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' \
	sanitize_dir='$(SANITIZE_DIR)' jobs='$(SANITIZE_JOBS)' CC='$(CC)' \
	MAKE='$(MAKE)'

check-tsan:
	$(SANITIZE_ENV) tsan_tests='$(TSAN_TESTS)' $(SHELL) $(srcdir)/tests/reliability/sanitize.sh tsan

check-asan:
	$(SANITIZE_ENV) $(SHELL) $(srcdir)/tests/reliability/sanitize.sh asan

# Memory-order mutation testing (tests/reliability/mutants.sh,
# locks/MUTANTS.md): each explicit order in locks/*.c weakened to relaxed in turn, rebuilt with
# TSan, run through tsan_locks and validate. Long: not part of check.
check-mutants:
	srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' \
	work='$(abs_top_builddir)/build/mutants' jobs='$(SANITIZE_JOBS)' CC='$(CC)' \
	MAKE='$(MAKE)' $(SHELL) $(srcdir)/tests/reliability/mutants.sh

FUZZ_ENV = srcdir='$(abs_top_srcdir)' work='$(SANITIZE_DIR)/fuzz' \
	FUZZ_CC='$(FUZZ_CC)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	JANSSON_CFLAGS='$(JANSSON_CFLAGS)' JANSSON_LIBS='$(JANSSON_LIBS)'

fuzz-smoke: fuzz-smoke-options fuzz-smoke-results
fuzz-smoke-options:
	$(FUZZ_ENV) $(SHELL) $(srcdir)/fuzz/smoke.sh options
fuzz-smoke-results:
	$(FUZZ_ENV) $(SHELL) $(srcdir)/fuzz/smoke.sh results

clean-local: clean-sanitize clean-aarch64
clean-sanitize:
	-rm -rf '$(SANITIZE_DIR)'
	rmdir '$(abs_top_builddir)/build' 2>/dev/null || :

.PHONY: check-tsan check-asan check-mutants fuzz-smoke fuzz-smoke-options fuzz-smoke-results \
	clean-sanitize
