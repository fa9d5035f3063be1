# harness/stats.mk: the measurement primitives - time base and busy delay
# (tsc), log-linear histograms (hist), repeat statistics and fairness (stats).

STATS_SOURCES = harness/tsc.h harness/tsc.c harness/hist.h harness/hist.c \
	harness/stats.h harness/stats.c
HARNESS_SOURCES += $(STATS_SOURCES)

check_PROGRAMS += tests/test_hist tests/test_stats tests/test_tsc
TESTS += tests/test_hist tests/test_stats tests/test_tsc

tests_test_hist_SOURCES = tests/test_hist.c tests/unit.h harness/hist.h harness/hist.c
tests_test_hist_LDADD = -lm
tests_test_stats_SOURCES = tests/test_stats.c tests/unit.h harness/stats.h harness/stats.c
tests_test_stats_LDADD = -lm
tests_test_tsc_SOURCES = tests/test_tsc.c tests/unit.h harness/tsc.h harness/tsc.c \
	harness/cpuinfo.h harness/cpuinfo.c
tests_test_tsc_LDADD = -lm
