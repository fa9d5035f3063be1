# bench/analysis/local.mk: what contend concludes from results points: the
# findings (report, run's table) and the verdicts of compare.
noinst_LIBRARIES += libbench_analysis.a
libbench_analysis_a_SOURCES = bench/analysis/findings.c bench/analysis/findings.h \
	bench/analysis/compare.c bench/analysis/compare.h
libbench_analysis_a_CPPFLAGS = $(BENCH_ANALYSIS_CPPFLAGS) $(CONTEND_DEFS)
libbench_analysis_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
