# The `contend` command. Subcommands register in bench/commands.def.
bin_PROGRAMS += contend
contend_SOURCES = bench/main.c $(HARNESS_SOURCES) bench/cli.h bench/commands.h \
	bench/commands.def bench/cmd_list.c $(CONTEND_EXTRA_SOURCES)
contend_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
contend_LDADD = liblocks.a $(HWLOC_LIBS) $(JANSSON_LIBS) $(NUMA_LIBS) $(CK_LIBS) -lm
contend_SOURCES += bench/cmd_run.c bench/parse.c bench/parse.h bench/sweep.h \
	bench/run_json.c bench/run_output.c bench/atomicfile.c bench/atomicfile.h
