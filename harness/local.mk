# The harness's engine: the generated hot loop, one repeat of a point
# (threads, phases, counters), the placement probe, and the sweep (points,
# shuffled rounds, aggregation over repeats). The measurement primitives are
# in stats.mk, placement in topo.mk.
HARNESS_SOURCES += harness/hotloop.h harness/run.c harness/run.h \
	harness/run_worker.c harness/run_internal.h harness/section.c harness/section.h \
	harness/counters.c harness/counters.h harness/probe.c harness/probe.h \
	harness/sweep.c harness/sweep.h harness/sweep_internal.h harness/sweep_measures.c \
	harness/placement.c harness/placement.h

# The harness as a library for contend and the tests; its parts add their
# sources to HARNESS_SOURCES in harness/*.mk.
noinst_LIBRARIES += libharness.a
libharness_a_SOURCES = $(HARNESS_SOURCES)
libharness_a_CPPFLAGS = $(HARNESS_CPPFLAGS)
libharness_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
HARNESS_LIBS = libharness.a liblocks.a $(HWLOC_LIBS) $(JANSSON_LIBS) $(NUMA_LIBS) \
	$(CK_LIBS) -lm
