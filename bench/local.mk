# The `contend` command. Subcommands register in bench/commands.def.
bin_PROGRAMS += contend
contend_SOURCES = bench/main.c bench/cli.h bench/commands.h \
	bench/commands.def bench/cmd_list.c $(CONTEND_EXTRA_SOURCES)
contend_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
contend_LDADD = $(HARNESS_LIBS)
contend_SOURCES += bench/cmd_run.c bench/parse.c bench/parse.h bench/run_output.h \
	bench/run_json.c bench/run_output.c bench/atomicfile.c bench/atomicfile.h
contend_SOURCES += bench/cmd_probe.c

# make bench: our locks against their peers and the harness against a bare
# loop, as ratios measured side by side (a benchmark, not a test).
EXTRA_DIST += bench/peers.sh
bench: contend$(EXEEXT)
	CONTEND=$(abs_top_builddir)/contend$(EXEEXT) $(SHELL) $(top_srcdir)/bench/peers.sh \
		-o $(abs_top_builddir)/results/peers
.PHONY: bench
