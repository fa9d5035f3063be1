# The harness as a library for contend and the tests; its parts add their
# sources to HARNESS_SOURCES in harness/*.mk.
noinst_LIBRARIES += libharness.a
libharness_a_SOURCES = $(HARNESS_SOURCES)
libharness_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
HARNESS_LIBS = libharness.a liblocks.a $(HWLOC_LIBS) $(JANSSON_LIBS) $(NUMA_LIBS) \
	$(CK_LIBS) -lm

# The `contend` command. Subcommands register in bench/commands.def.
bin_PROGRAMS += contend
contend_SOURCES = bench/main.c bench/cli.h bench/commands.h \
	bench/commands.def bench/cmd_list.c $(CONTEND_EXTRA_SOURCES)
contend_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
contend_LDADD = $(HARNESS_LIBS) $(DW_LIBS)
contend_SOURCES += bench/cmd_run.c bench/parse.c bench/parse.h bench/sweep.h \
	bench/run_json.c bench/run_output.c bench/atomicfile.c bench/atomicfile.h
contend_SOURCES += bench/cmd_probe.c

# make bench: our locks against their peers and the harness against a bare
# loop, as ratios measured side by side (a benchmark, not a test).
EXTRA_DIST += bench/peers.sh
bench: contend$(EXEEXT)
	CONTEND=$(abs_top_builddir)/contend$(EXEEXT) $(SHELL) $(top_srcdir)/bench/peers.sh \
		-o $(abs_top_builddir)/results/peers
.PHONY: bench
