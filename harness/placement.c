/*
 * placement.c - the records of placement.h: CPU samples, page nodes and
 * memory policies, all asked of the kernel.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "placement.h"

void placement_thread_init(struct placement_thread *p, int planned_cpu)
{
	p->cpu_window_start = p->cpu_window_mid = p->cpu_stop = -1;
	p->data_node = -1;
	p->cpu_node = -1;
	if (planned_cpu >= 0 && numa_available() >= 0)
		p->cpu_node = numa_node_of_cpu(planned_cpu);
	if (p->cpu_node < 0)
		p->cpu_node = -1;
}

int placement_self_cpu(void)
{
	int cpu = sched_getcpu();
	return cpu >= 0 ? cpu : -1;
}

/* Field 39 of /proc/PID/task/TID/stat, "processor": the CPU the task last
 * ran on. The command name (field 2) may hold spaces and parentheses, so
 * the fields are counted from its closing parenthesis. */
int placement_task_cpu(pid_t tid)
{
	char path[64], buf[1024];
	int cpu = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *s = strrchr(buf, ')');
		/* after ")": field 3 is the first; skip to field 39 */
		for (int field = 2; s != NULL && field < 39; field++)
			s = strchr(s + 1, ' ');
		if (s != NULL && sscanf(s + 1, "%d", &cpu) != 1)
			cpu = -1;
	}
	return cpu >= 0 ? cpu : -1;
}

int placement_page_node(const void *addr)
{
	void *page = (void *)addr;
	int status = -1;

	if (numa_available() < 0 || numa_move_pages(0, 1, &page, NULL, &status, 0) != 0)
		return -1;
	return status >= 0 ? status : -1;
}

static const char *policy_name(int mode)
{
	switch (mode) {
	case MPOL_DEFAULT: return "default";
	case MPOL_PREFERRED: return "preferred";
	case MPOL_BIND: return "bind";
	case MPOL_INTERLEAVE: return "interleave";
	case MPOL_LOCAL: return "local";
	default: return "other";
	}
}

void placement_query_shared(const void *lock_addr, int node_asked,
			    struct placement_shared *out)
{
	unsigned long mask[PLACEMENT_MAX_NODES / (8 * sizeof(unsigned long))] = { 0 };
	int mode = -1;

	memset(out, 0, sizeof(*out));
	out->node_asked = node_asked;
	out->lock_node = placement_page_node(lock_addr);
	if (numa_available() < 0 ||
	    get_mempolicy(&mode, mask, PLACEMENT_MAX_NODES, (void *)lock_addr,
			  MPOL_F_ADDR) != 0)
		return;
	snprintf(out->policy, sizeof(out->policy), "%s", policy_name(mode));
	for (int n = 0; n < PLACEMENT_MAX_NODES; n++)
		if (mask[n / (8 * sizeof(unsigned long))] >> (n % (8 * sizeof(unsigned long))) & 1)
			out->nodes[out->nnodes++] = n;
}
