/*
 * misplace.c - the planted bugs of make check-machines' negative controls,
 * an LD_PRELOAD library for the guests (never part of contend):
 *   MISPLACE=pin  pthread_setaffinity_np() given one CPU pins to the next
 *                 CPU instead (wrapping), so every pinned thread runs one
 *                 CPU away from its plan while contend believes the plan;
 *   MISPLACE=mem  mbind() given one node binds to the next node instead,
 *                 so the lock lands one node away from the one the results
 *                 claim.
 * The checks of tests/machines/check.sh must catch both; a check that
 * passes a run with either is vacuous, and the target fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bug_is(const char *which)
{
	const char *v = getenv("MISPLACE");
	return v != NULL && strcmp(v, which) == 0;
}

int pthread_setaffinity_np(pthread_t thread, size_t size, const cpu_set_t *set)
{
	int (*real)(pthread_t, size_t, const cpu_set_t *) =
		(int (*)(pthread_t, size_t, const cpu_set_t *))dlsym(RTLD_NEXT,
			"pthread_setaffinity_np");
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (real == NULL)
		abort();
	if (bug_is("pin") && ncpus > 1 && CPU_COUNT_S(size, set) == 1) {
		int cpu = 0;
		while (!CPU_ISSET_S(cpu, size, set))
			cpu++;
		cpu_set_t *moved = CPU_ALLOC(ncpus);
		size_t msize = CPU_ALLOC_SIZE(ncpus);
		if (moved == NULL)
			abort();
		CPU_ZERO_S(msize, moved);
		CPU_SET_S((cpu + 1) % ncpus, msize, moved);
		int rc = real(thread, msize, moved);
		CPU_FREE(moved);
		return rc;
	}
	return real(thread, size, set);
}

/* Nodes of this machine: node0, node1, ... in sysfs. */
static int node_count(void)
{
	char path[64];
	int n = 0;

	for (;; n++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", n);
		if (access(path, F_OK) != 0)
			return n;
	}
}

long mbind(void *addr, unsigned long len, int mode, const unsigned long *nodemask,
	   unsigned long maxnode, unsigned flags)
{
	long (*real)(void *, unsigned long, int, const unsigned long *, unsigned long,
		     unsigned) = (long (*)(void *, unsigned long, int, const unsigned long *,
					   unsigned long, unsigned))dlsym(RTLD_NEXT, "mbind");
	unsigned long moved = 0;

	if (real == NULL)
		abort();
	/* one word of mask covers the guests' nodes */
	if (bug_is("mem") && nodemask != NULL && __builtin_popcountl(nodemask[0]) == 1) {
		int node = __builtin_ctzl(nodemask[0]);
		int nodes = node_count();
		moved = 1UL << ((node + 1) % (nodes > 0 ? nodes : 1));
		return real(addr, len, mode, &moved, maxnode, flags);
	}
	return real(addr, len, mode, nodemask, maxnode, flags);
}
