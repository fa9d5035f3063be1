# bench/local.mk: the `contend` command: one thin file per subcommand
# (registered in bench/commands.def) on top of the wings below it
# (bench/*/local.mk).
bin_PROGRAMS += contend
contend_SOURCES = bench/main.c bench/commands.h bench/commands.def bench/cmd_list.c \
	bench/cmd_run.c bench/cmd_probe.c bench/cmd_topo.c bench/cmd_plot.c \
	bench/cmd_report.c bench/cmd_compare.c bench/cmd_profile.c
# DW_*: elfutils libdw, optional (configure), for contend profile's symbols.
contend_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
# The wings, top first, so that each static library finds what it uses below.
BENCH_LIBS = libbench_report.a libbench_plot.a libbench_analysis.a \
	libbench_results.a libbench_profile.a libbench_util.a
contend_LDADD = $(BENCH_LIBS) $(HARNESS_LIBS) $(DW_LIBS) $(Z_LIBS)

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
