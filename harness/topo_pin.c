/*
 * topo_pin.c - pinning the calling thread to a CPU (a plan's entry) and
 * asking which CPU it runs on.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "topo.h"

int topo_pin_self(int cpu, char *err, size_t errlen)
{
	if (cpu == -1)
		return 0;
	if (cpu < 0 || cpu >= TOPO_CPU_LIMIT) {
		seterr(err, errlen, "pinning to CPU %d failed: no such CPU number", cpu);
		return -1;
	}

	cpu_set_t *set = CPU_ALLOC(cpu + 1);
	size_t size = CPU_ALLOC_SIZE(cpu + 1);
	if (set == NULL) {
		seterr(err, errlen, "pinning to CPU %d failed: out of memory", cpu);
		return -1;
	}
	CPU_ZERO_S(size, set);
	CPU_SET_S(cpu, size, set);
	int rc = pthread_setaffinity_np(pthread_self(), size, set);
	CPU_FREE(set);
	if (rc != 0) {
		seterr(err, errlen, "pinning to CPU %d failed: %s%s", cpu, strerror(rc),
		       rc == EINVAL ? " (CPU offline or not in this process's "
		       "cpuset)" : "");
		return -1;
	}
	return 0;
}

int topo_current_cpu(void)
{
	int cpu = sched_getcpu();
	return cpu >= 0 ? cpu : -1;
}
