# harness/topo.mk: thread placement - topology from hwloc, pin plans and
# pinning (topo), NUMA placement of memory (mem), /proc/cpuinfo (cpuinfo,
# also read by tsc.c).

TOPO_SOURCES = harness/topo.h harness/topo_internal.h harness/topo.c \
	harness/topo_cpulist.c harness/topo_plan.c harness/topo_pin.c \
	harness/cpuinfo.h harness/cpuinfo.c harness/mem.h harness/mem.c \
	harness/errmsg.h
HARNESS_SOURCES += $(TOPO_SOURCES)

check_PROGRAMS += tests/test_topo
TESTS += tests/test_topo tests/topo.sh
EXTRA_DIST += tests/topo.sh

tests_test_topo_SOURCES = tests/test_topo.c $(TOPO_SOURCES) bench/topo_json.c bench/topo_json.h
tests_test_topo_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
tests_test_topo_LDADD = $(HWLOC_LIBS) $(JANSSON_LIBS) $(NUMA_LIBS)
