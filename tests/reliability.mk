# tests/reliability.mk: reliability beyond the correctness suite.
#
# In `make check` (every build):
#   tests/stress_signals   sleeping locks oversubscribed under ~1 kHz signals
#   tests/sem_destroy      locks and semaphores freed right after their last
#                          user (glibc bug 12674); a use-after-free needs ASan
#                          to be seen, so check-asan is where it bites
#   tests/fuzz_options,    the fuzz targets replaying their seed corpus and
#   tests/fuzz_results     every committed crash input (fuzz/regressions/)
#   tests/cli_bad.sh       bad command lines of every subcommand
#   tests/crash_safety.sh  sweeps killed with SIGKILL at random moments
#   tests/limits.sh        sweeps beyond the memory / thread limits
#   tests/tsan_locks,      ThreadSanitizer tests: skipped (77) unless built
#   tests/misordered_lock  with -fsanitize=thread, i.e. outside check-tsan
#
# Targets of their own (each builds a separate tree under $(SANITIZE_DIR)):
#   make check-tsan   the lock tests built with -fsanitize=thread
#   make check-asan   the whole `make check` with ASan + UBSan (+ LSan)
#   make fuzz-smoke   each libFuzzer target FUZZ_SECONDS (60) with ASan+UBSan
# SANITIZE_JOBS (default 2) is their make -j.

LOCKCHECK_SANITIZER_SOURCES = tests/sanitizer.h tests/selfexec.c tests/selfexec.h

check_PROGRAMS += tests/stress_signals tests/sem_destroy tests/tsan_locks \
	tests/misordered_lock tests/fuzz_options tests/fuzz_results
tests_stress_signals_SOURCES = tests/stress_signals.c $(LOCKCHECK_SOURCES)
tests_stress_signals_LDADD = $(LOCKCHECK_LDADD)
tests_sem_destroy_SOURCES = tests/sem_destroy.c $(LOCKCHECK_SANITIZER_SOURCES)
tests_sem_destroy_LDADD = liblocks.a $(CK_LIBS)
tests_tsan_locks_SOURCES = tests/tsan_locks.c tests/sanitizer.h $(LOCKCHECK_SOURCES)
tests_tsan_locks_LDADD = $(LOCKCHECK_LDADD)
tests_misordered_lock_SOURCES = tests/misordered_lock.c $(LOCKCHECK_SANITIZER_SOURCES) \
	$(LOCKCHECK_SOURCES)
tests_misordered_lock_LDADD = $(LOCKCHECK_LDADD)

# The fuzz targets with fuzz/replay.c as main (any compiler).
FUZZ_COMMON_SOURCES = fuzz/fuzz.h fuzz/replay.c
tests_fuzz_options_SOURCES = fuzz/fuzz_options.c bench/parse.c bench/parse.h \
	$(FUZZ_COMMON_SOURCES)
tests_fuzz_options_LDADD = -lm
tests_fuzz_results_SOURCES = fuzz/fuzz_results.c $(RESULTS_READER_SOURCES) \
	$(FUZZ_COMMON_SOURCES)
tests_fuzz_results_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_results_LDADD = $(JANSSON_LIBS) -lm

RELIABILITY_SHELL_TESTS = tests/cli_bad.sh tests/crash_safety.sh tests/limits.sh
TESTS += tests/stress_signals tests/sem_destroy tests/fuzz_options tests/fuzz_results \
	tests/tsan_locks tests/misordered_lock $(RELIABILITY_SHELL_TESTS)

# Seed corpora, dictionaries and crash inputs are directories: dist copies
# them whole.
EXTRA_DIST += $(RELIABILITY_SHELL_TESTS) tests/sanitize.sh tests/tsan_sweep.sh tests/mutants.sh \
	locks/MUTANTS.md fuzz/smoke.sh \
	fuzz/README.md fuzz/options.dict fuzz/results.dict fuzz/corpus-options \
	fuzz/corpus-results fuzz/regressions

SANITIZE_DIR = $(abs_top_builddir)/build/sanitize
SANITIZE_JOBS = 2
FUZZ_SECONDS = 60
FUZZ_CC = clang

# What the ThreadSanitizer tree runs: the correctness suite at 2 and 4
# threads, the expected failure, the sleeping-lock stress tests, and a
# whole sweep through the harness (tests/tsan_sweep.sh: a .sh test runs
# by suffix rule, so it needs no place in TESTS).
# Not test_harness: it runs the broken negative-control lock on purpose.
TSAN_TESTS = tests/tsan_locks tests/misordered_lock tests/stress_signals tests/clh_abandon \
	tests/mcs_tp_skip tests/sem_destroy tests/liveness tests/sem_permits tests/tsan_sweep.sh

SANITIZE_ENV = srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' \
	sanitize_dir='$(SANITIZE_DIR)' jobs='$(SANITIZE_JOBS)' CC='$(CC)' \
	MAKE='$(MAKE)'

check-tsan:
	$(SANITIZE_ENV) tsan_tests='$(TSAN_TESTS)' $(SHELL) $(srcdir)/tests/sanitize.sh tsan

check-asan:
	$(SANITIZE_ENV) $(SHELL) $(srcdir)/tests/sanitize.sh asan

# Memory-order mutation testing (tests/mutants.sh, locks/MUTANTS.md): each
# explicit order in locks/*.c weakened to relaxed in turn, rebuilt with
# TSan, run through tsan_locks and validate. Long: not part of check.
check-mutants:
	srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' \
	work='$(abs_top_builddir)/build/mutants' jobs='$(SANITIZE_JOBS)' CC='$(CC)' \
	MAKE='$(MAKE)' $(SHELL) $(srcdir)/tests/mutants.sh

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
