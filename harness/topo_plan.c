/*
 * topo_plan.c - pin plans: the CPU order of each policy (or CPU list) over a
 * loaded topology, and each thread's CPU under it. See topo.h for the
 * policies; the scatter and cores orders themselves are computed at load
 * time (topo.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "topo.h"
#include "topo_internal.h"

/* Why cpu cannot be pinned to: "(this machine has CPUs 0-1)" and the like. */
static void explain_missing_cpu(const struct topo *t, int cpu, char *err, size_t errlen)
{
	char have[512];

	if (topo_cpulist_string(t, have, sizeof(have)) != 0)
		snprintf(have, sizeof(have), "...");
	if (!t->this_machine)
		seterr(err, errlen, "--pin: CPU %d is not available (the topology "
		       "has CPUs %s)", cpu, have);
	else if (t->machine_cpus != NULL &&
		 hwloc_bitmap_isset(t->machine_cpus, (unsigned)cpu))
		seterr(err, errlen, "--pin: CPU %d is not available (not in this "
		       "process's CPU affinity, which allows CPUs %s)", cpu, have);
	else
		seterr(err, errlen, "--pin: CPU %d is not available (this machine "
		       "has CPUs %s)", cpu, have);
}

/*
 * The CPU order of a policy or list, malloc'd into *order (*n entries);
 * *unpinned for `none` (then *order is NULL and *n the number of CPUs).
 */
static int policy_order(const struct topo *t, const char *policy, int **order,
			size_t *n, bool *unpinned, char *err, size_t errlen)
{
	const int *src = NULL;
	int *compact = NULL;

	*order = NULL;
	*n = 0;
	*unpinned = false;
	if (policy == NULL || *policy == '\0') {
		seterr(err, errlen, "--pin: empty value (compact, scatter, cores, "
		       "none or a CPU list like 0,2,4-7)");
		return -1;
	}
	if (isalpha((unsigned char)policy[0])) {
		if (strcmp(policy, "none") == 0) {
			*unpinned = true;
			*n = t->ncpus;
			return 0;
		}
		if (strcmp(policy, "compact") == 0) {
			compact = malloc(t->ncpus * sizeof(*compact));
			if (compact == NULL)
				goto oom;
			topo_cpus(t, compact, t->ncpus);
			*order = compact;
			*n = t->ncpus;
			return 0;
		}
		if (strcmp(policy, "scatter") == 0)
			src = t->scatter;
		else if (strcmp(policy, "cores") == 0)
			src = t->cores_order;
		else {
			seterr(err, errlen, "--pin: unknown policy '%s' (compact, scatter, "
			       "cores, none or a CPU list like 0,2,4-7)", policy);
			return -1;
		}
		*order = malloc(t->ncpus * sizeof(**order));
		if (*order == NULL)
			goto oom;
		memcpy(*order, src, t->ncpus * sizeof(**order));
		*n = t->ncpus;
		return 0;
	}

	char perr[256];
	int *list;
	size_t count;
	if (topo_parse_cpulist(policy, &list, &count, perr, sizeof(perr)) != 0) {
		seterr(err, errlen, "--pin: %s", perr);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		if (!topo_has_cpu(t, list[i])) {
			explain_missing_cpu(t, list[i], err, errlen);
			free(list);
			return -1;
		}
	}
	*order = list;
	*n = count;
	return 0;
oom:
	seterr(err, errlen, "out of memory");
	return -1;
}

int topo_policy_cpus(const struct topo *t, const char *policy, char *err,
		     size_t errlen)
{
	int *order;
	size_t n;
	bool unpinned;

	if (policy_order(t, policy, &order, &n, &unpinned, err, errlen) != 0)
		return -1;
	free(order);
	return (int)n;
}

int topo_plan(const struct topo *t, const char *policy, unsigned nthreads,
	      bool oversubscribe, int *cpus, char *err, size_t errlen)
{
	int *order;
	size_t n;
	bool unpinned;

	if (nthreads == 0) {
		seterr(err, errlen, "--threads 0: at least one thread is needed");
		return -1;
	}
	if (policy_order(t, policy, &order, &n, &unpinned, err, errlen) != 0)
		return -1;
	if (nthreads > n && !oversubscribe) {
		if (unpinned || isalpha((unsigned char)policy[0]))
			seterr(err, errlen, "--threads %u needs --oversubscribe: only "
			       "%zu CPU%s", nthreads, n, n == 1 ? "" : "s");
		else
			seterr(err, errlen, "--threads %u needs --oversubscribe: --pin "
			       "'%s' lists only %zu CPU%s", nthreads, policy, n,
			       n == 1 ? "" : "s");
		free(order);
		return -1;
	}
	for (unsigned i = 0; i < nthreads; i++)
		cpus[i] = unpinned ? -1 : order[i % n];
	free(order);
	return 0;
}

bool topo_plan_is_oversubscribed(const struct topo *t, const char *policy,
				 unsigned nthreads)
{
	int n = topo_policy_cpus(t, policy, NULL, 0);
	return n > 0 && nthreads > (unsigned)n;
}
