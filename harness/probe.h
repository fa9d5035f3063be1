/*
 * probe.h - the placement probe: the round trip of one cache line between
 * two CPUs (ping-pong), in ns. It is the floor under any lock handoff
 * between those CPUs, and on a virtual machine it moves when the host moves
 * the vCPUs (here between ~30, ~80 and ~400 ns round trip), so the harness
 * takes it before and after every repeat.
 */
#ifndef CONTEND_PROBE_H
#define CONTEND_PROBE_H

#include "tsc.h"

/* Median round trip over a few batches, in ns; NAN when either CPU is -1
 * (unpinned), when both are the same CPU, or when pinning fails. */
double probe_rtt_ns(int cpu_a, int cpu_b, const struct tsc_info *ti);

#endif
