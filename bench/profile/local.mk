# bench/profile/local.mk: `contend profile`: running the program under the
# preload library, its output, HTML page and symbols (libdw, optional).
noinst_LIBRARIES += libbench_profile.a
libbench_profile_a_SOURCES = bench/profile/profile.h bench/profile/profile_run.c \
	bench/profile/profile_output.c bench/profile/profile_html.c \
	bench/profile/profile_frames.c bench/profile/profile_pprof.c \
	bench/profile/profile_order.c \
	bench/profile/symbolize.c bench/profile/symbolize.h
libbench_profile_a_CPPFLAGS = $(BENCH_PROFILE_CPPFLAGS) $(CONTEND_DEFS)
libbench_profile_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
