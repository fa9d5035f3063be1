# The harness's engine: the generated hot loop, one repeat of a point
# (threads, phases, counters), the placement probe. The measurement
# primitives are in stats.mk, placement in topo.mk.
HARNESS_SOURCES += harness/hotloop.h harness/run.c harness/run.h \
	harness/counters.c harness/counters.h harness/probe.c harness/probe.h
