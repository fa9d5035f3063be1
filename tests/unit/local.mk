# tests/unit/local.mk: one harness or results module at a time, without the
# CLI: histograms, repeat statistics, the time base, topology and pinning,
# the number formatters, the HTML escaper, the findings, compare's verdicts,
# the results reader, the measured loop, the sweep engine.

check_PROGRAMS += tests/unit/hist tests/unit/stats tests/unit/tsc tests/unit/topo \
	tests/unit/reader tests/unit/harness tests/unit/sweep tests/unit/fmt \
	tests/unit/html tests/unit/findings tests/unit/compare tests/unit/topo_span tests/unit/trust
UNIT_TESTS = tests/unit/hist tests/unit/stats tests/unit/tsc tests/unit/topo \
	tests/unit/reader tests/unit/harness tests/unit/sweep tests/unit/fmt \
	tests/unit/html tests/unit/findings tests/unit/compare tests/unit/topo_span tests/unit/trust
TESTS += $(UNIT_TESTS)

tests_unit_hist_SOURCES = tests/unit/hist.c tests/lib/unit.h tests/lib/tap.h harness/hist.h harness/hist.c
tests_unit_hist_LDADD = -lm
tests_unit_stats_SOURCES = tests/unit/stats.c tests/lib/unit.h tests/lib/tap.h harness/stats.h harness/stats.c
tests_unit_stats_LDADD = -lm
tests_unit_tsc_SOURCES = tests/unit/tsc.c tests/lib/unit.h tests/lib/tap.h harness/tsc.h harness/tsc.c \
	harness/cpuinfo.h harness/cpuinfo.c
tests_unit_tsc_LDADD = -lm
tests_unit_topo_SOURCES = tests/unit/topo.c tests/lib/unit.h tests/lib/tap.h $(TOPO_SOURCES) bench/results/topo_json.c bench/results/topo_json.h
tests_unit_topo_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_topo_LDADD = $(HWLOC_LIBS) $(JANSSON_LIBS) $(NUMA_LIBS)
# Spans and boundaries on synthetic server topologies (issue 23).
tests_unit_topo_span_SOURCES = tests/unit/topo_span.c tests/lib/unit.h tests/lib/tap.h \
	$(TOPO_SOURCES) bench/results/topo_span_json.c bench/results/topo_span_json.h
tests_unit_topo_span_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_topo_span_LDADD = $(HWLOC_LIBS) $(JANSSON_LIBS) $(NUMA_LIBS)
tests_unit_reader_SOURCES = tests/unit/reader.c tests/lib/unit.h tests/lib/tap.h $(RESULTS_READER_SOURCES)
tests_unit_reader_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_reader_LDADD = $(JANSSON_LIBS) -lm
tests_unit_harness_SOURCES = tests/unit/harness.c tests/lib/tap.h tests/lib/broken_lock.c tests/lib/broken_lock.h
tests_unit_harness_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
tests_unit_harness_LDADD = $(HARNESS_LIBS)
# Issue 27's measurement cases: stalls, weighted merges, reads counted.
tests_unit_trust_SOURCES = tests/unit/trust.c tests/lib/tap.h
tests_unit_trust_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
tests_unit_trust_LDADD = $(HARNESS_LIBS)
# The sweep engine driven without the CLI; the machine-changed flag.
tests_unit_sweep_SOURCES = tests/unit/sweep.c tests/lib/unit.h tests/lib/tap.h
tests_unit_sweep_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_sweep_LDADD = $(HARNESS_LIBS)
# The table's and reports' number formatters.
tests_unit_fmt_SOURCES = tests/unit/fmt.c tests/lib/tap.h bench/util/fmt.c bench/util/fmt.h
tests_unit_fmt_LDADD = -lm
# The one HTML escaper of the report and profile pages.
tests_unit_html_SOURCES = tests/unit/html.c tests/lib/tap.h bench/util/html.c bench/util/html.h
# The findings' rules on points decoded by the reader's one decoder.
tests_unit_findings_SOURCES = tests/unit/findings.c tests/lib/tap.h bench/analysis/findings.c \
	bench/analysis/findings.h bench/util/fmt.c bench/util/fmt.h $(RESULTS_READER_SOURCES) \
	bench/analysis/findings_knees.c bench/analysis/findings_knees.h \
	bench/results/boundaries.c bench/results/boundaries.h
tests_unit_findings_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_findings_LDADD = $(JANSSON_LIBS) -lm
# The verdict rules of contend compare on result_point fixtures.
tests_unit_compare_SOURCES = tests/unit/compare.c tests/lib/tap.h bench/analysis/compare.c \
	bench/analysis/compare.h bench/util/cli.c bench/util/cli.h harness/stats.c harness/stats.h \
	$(RESULTS_READER_SOURCES)
tests_unit_compare_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_compare_LDADD = $(JANSSON_LIBS) -lm
