# tests/lib/local.mk: what the tests share. The lock correctness driver
# (lockcheck) and the locks that must fail it (broken_lock, lossy_lock), the
# self-exec and sanitizer helpers, the results checker the shell tests call,
# the plot tests' shell library.

LOCKCHECK_SOURCES = tests/lib/lockcheck.c tests/lib/lockcheck.h
LOCKCHECK_LDADD = liblocks.a $(CK_LIBS)
LOCKCHECK_SANITIZER_SOURCES = tests/lib/sanitizer.h tests/lib/selfexec.c tests/lib/selfexec.h

# Validates the files contend run writes with the reader of plot/report.
check_PROGRAMS += tests/lib/check_results
tests_lib_check_results_SOURCES = tests/lib/check_results.c $(RESULTS_READER_SOURCES)
tests_lib_check_results_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_lib_check_results_LDADD = $(JANSSON_LIBS) -lm

EXTRA_DIST += tests/lib/tap.sh tests/lib/plot_lib.sh tests/README.md
