# bench/util/local.mk: what every wing of the contend command shares: usage
# and fatal errors (cli), the one HTML escaper, option parsing, number
# formatting, atomic files.
# Includes nothing of the layers above the C library.
noinst_LIBRARIES += libbench_util.a
libbench_util_a_SOURCES = bench/util/cli.c bench/util/cli.h bench/util/html.c \
	bench/util/html.h bench/util/parse.c bench/util/parse.h bench/util/fmt.c bench/util/fmt.h bench/util/atomicfile.c \
	bench/util/atomicfile.h
libbench_util_a_CPPFLAGS = $(BENCH_UTIL_CPPFLAGS) $(CONTEND_DEFS)
libbench_util_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
