# bench/local.mk: the `contend` command, its subcommands (registered in
# bench/commands.def) and the results JSON reader (results/SCHEMA.md) that
# plot, report, compare and the tests of run share.
RESULTS_READER_SOURCES = bench/reader.c bench/reader.h bench/reader_schema.c \
	bench/reader_schema.h bench/reader_validate.c

bin_PROGRAMS += contend
contend_SOURCES = bench/main.c bench/cli.h bench/commands.h \
	bench/commands.def bench/cmd_list.c $(RESULTS_READER_SOURCES)
# DW_*: elfutils libdw, optional (configure), for contend profile's symbols.
contend_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
contend_LDADD = $(HARNESS_LIBS) $(DW_LIBS)
contend_SOURCES += bench/cmd_run.c bench/parse.c bench/parse.h bench/run_output.h \
	bench/run_json.c bench/run_output.c bench/atomicfile.c bench/atomicfile.h
contend_SOURCES += bench/cmd_probe.c bench/cmd_topo.c bench/topo_json.c bench/topo_json.h
contend_SOURCES += bench/plotting.h bench/plot_internal.h bench/plot_options.c \
	bench/plot_data.c bench/plot_charts.c bench/plot_heatmap.c bench/plot_gnuplot.c \
	bench/fmt.c bench/fmt.h bench/findings.c bench/findings.h bench/report_html.c \
	bench/report_html.h bench/cmd_plot.c bench/cmd_report.c bench/cmd_compare.c
contend_SOURCES += bench/cmd_profile.c bench/profile.h bench/profile_run.c \
	bench/profile_output.c bench/profile_html.c bench/symbolize.c bench/symbolize.h

# Fixtures: hand-made sweeps of schema version 1 (two machines, one failed
# point, null latency and cv, noisy and probe-moved points), a pair with known
# NEW/BASE ratios for compare, and bad inputs.
RESULTS_FIXTURES = \
	tests/data/sweep-alpha.json tests/data/sweep-beta.json \
	tests/data/compare-base.json tests/data/compare-new.json \
	tests/data/compare-aa-base.json tests/data/compare-aa-new.json \
	tests/data/bad-empty-results.json tests/data/bad-newer-schema.json \
	tests/data/bad-not-json.json tests/data/bad-other-tool.json
EXTRA_DIST += $(RESULTS_FIXTURES)

# make bench: our locks against their peers and the harness against a bare
# loop, as ratios measured side by side (a benchmark, not a test: it
# fails, exit 3, when a target is missed; see README "Performance").
EXTRA_DIST += bench/peers.sh
bench: contend$(EXEEXT)
	CONTEND=$(abs_top_builddir)/contend$(EXEEXT) $(SHELL) $(top_srcdir)/bench/peers.sh \
		-o $(abs_top_builddir)/results/peers
.PHONY: bench
