# harness/topo.mk: thread placement - topology from hwloc, pin plans and
# pinning (topo), NUMA placement of memory (mem), /proc/cpuinfo (cpuinfo,
# also read by tsc.c).

TOPO_SOURCES = harness/topo.h harness/topo_internal.h harness/topo.c \
	harness/topo_cpulist.c harness/topo_plan.c harness/topo_pin.c \
	harness/topo_span.c \
	harness/cpuinfo.h harness/cpuinfo.c harness/mem.h harness/mem.c \
	harness/errmsg.h
HARNESS_SOURCES += $(TOPO_SOURCES)
