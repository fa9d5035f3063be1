# harness/stats.mk: the measurement primitives - time base and busy delay
# (tsc), log-linear histograms (hist), repeat statistics and fairness (stats).

STATS_SOURCES = harness/tsc.h harness/tsc.c harness/hist.h harness/hist.c \
	harness/stats.h harness/stats.c
HARNESS_SOURCES += $(STATS_SOURCES)
