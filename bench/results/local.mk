# bench/results/local.mk: the results files (results/SCHEMA.md): the schema
# module, the one reader that turns JSON into a result_point for every wing
# above, its validation, and the writer of `contend run` and `contend topo`.
RESULTS_READER_SOURCES = bench/results/reader.c bench/results/reader.h \
	bench/results/reader_schema.c bench/results/reader_schema.h \
	bench/results/reader_validate.c
noinst_LIBRARIES += libbench_results.a
libbench_results_a_SOURCES = $(RESULTS_READER_SOURCES) bench/results/writer.c \
	bench/results/writer.h bench/results/topo_json.c bench/results/topo_json.h
libbench_results_a_CPPFLAGS = $(BENCH_RESULTS_CPPFLAGS) $(CONTEND_DEFS)
libbench_results_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
