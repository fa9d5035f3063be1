/*
 * mem.c - NUMA placement of the shared data, first-touch per-thread data.
 *
 * Placement uses mbind(2) (through libnuma's <numaif.h>) rather than
 * numa_tonode_memory()/numa_interleave_memory(): those return nothing and
 * only print when the kernel refuses, and a placement that did not happen
 * must reach the caller as an error.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "errmsg.h"
#include "mem.h"

static size_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	return ps > 0 ? (size_t)ps : 4096;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* libnuma is usable: the kernel has NUMA support (numa_available() must be
 * called before any other libnuma function). */
static bool numa_ok(void)
{
	return numa_available() >= 0;
}

static bool node_allowed(int node)
{
	return node >= 0 && node <= numa_max_node() &&
	       numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)node);
}

int mem_numa_nodes(void)
{
	if (!numa_ok())
		return 1;
	int n = numa_bitmask_weight(numa_all_nodes_ptr);
	return n > 0 ? n : 1;
}

/* The nodes the process may use: "0-3" when contiguous (also "0-0"), else
 * a list "0,2,5". */
static void format_nodes(char *buf, size_t len)
{
	int first = -1, last = -1, count = 0;
	size_t off = 0;

	if (!numa_ok()) {
		snprintf(buf, len, "0-0");
		return;
	}
	for (int n = 0; n <= numa_max_node(); n++) {
		if (!node_allowed(n))
			continue;
		if (first < 0)
			first = n;
		last = n;
		count++;
	}
	if (first >= 0 && count == last - first + 1) {
		snprintf(buf, len, "%d-%d", first, last);
		return;
	}
	buf[0] = '\0';
	for (int n = 0; n <= numa_max_node() && off < len; n++) {
		if (node_allowed(n))
			off += (size_t)snprintf(buf + off, len - off, "%s%d",
						off ? "," : "", n);
	}
}

int mem_policy_parse(const char *s, struct mem_policy *out, char *err, size_t errlen)
{
	if (s == NULL || *s == '\0') {
		seterr(err, errlen, "--mem: empty value (local, interleave or node:N)");
		return -1;
	}
	if (strcmp(s, "local") == 0) {
		*out = (struct mem_policy){ .kind = MEM_LOCAL, .node = -1 };
		return 0;
	}
	if (strcmp(s, "interleave") == 0) {
		*out = (struct mem_policy){ .kind = MEM_INTERLEAVE, .node = -1 };
		return 0;
	}
	if (strncmp(s, "node:", 5) != 0) {
		seterr(err, errlen, "--mem: unknown policy '%s' (local, interleave or node:N)", s);
		return -1;
	}

	const char *num = s + 5;
	char *end;
	errno = 0;
	long node = strtol(num, &end, 10);
	if (!isdigit((unsigned char)*num) || *end != '\0' || errno != 0 || node > INT_MAX) {
		seterr(err, errlen, "--mem: '%s': N in node:N must be a node number", s);
		return -1;
	}

	char nodes[128];
	format_nodes(nodes, sizeof(nodes));
	if (!numa_ok()) {
		if (node != 0) {
			seterr(err, errlen, "--mem: node %ld does not exist (nodes %s; "
			       "no NUMA support in this kernel)", node, nodes);
			return -1;
		}
	} else if (!node_allowed((int)node)) {
		if (node <= numa_max_node() &&
		    numa_bitmask_isbitset(numa_nodes_ptr, (unsigned)node))
			seterr(err, errlen, "--mem: node %ld is not allowed for this "
			       "process (nodes %s)", node, nodes);
		else
			seterr(err, errlen, "--mem: node %ld does not exist (nodes %s)",
			       node, nodes);
		return -1;
	}
	*out = (struct mem_policy){ .kind = MEM_NODE, .node = (int)node };
	return 0;
}

void mem_policy_format(const struct mem_policy *p, char *buf, size_t len)
{
	switch (p->kind) {
	case MEM_LOCAL: snprintf(buf, len, "local"); break;
	case MEM_INTERLEAVE: snprintf(buf, len, "interleave"); break;
	case MEM_NODE: snprintf(buf, len, "node:%d", p->node); break;
	}
}

/* Node of the first page of p, -1 when the kernel cannot say. */
static int page_node(void *p)
{
	int status = -1;

	if (!numa_ok() || numa_move_pages(0, 1, &p, NULL, &status, 0) != 0)
		return -1;
	return status >= 0 ? status : -1;
}

/* Give [p, p+size) the policy's placement before any page is touched.
 * Returns 0, or -1 with the reason in info->note. */
static int place(void *p, size_t size, const struct mem_policy *policy,
		 int thread0_cpu, struct mem_placement_info *info)
{
	struct bitmask *mask;
	int mode, node = -1;

	if (policy->kind == MEM_INTERLEAVE) {
		mask = numa_bitmask_alloc((unsigned)numa_max_node() + 1);
		if (mask == NULL)
			goto oom;
		copy_bitmask_to_bitmask(numa_all_nodes_ptr, mask);
		mode = MPOL_INTERLEAVE;
	} else {
		if (policy->kind == MEM_NODE) {
			node = policy->node;
		} else {
			int cpu = thread0_cpu >= 0 ? thread0_cpu : sched_getcpu();
			node = cpu >= 0 ? numa_node_of_cpu(cpu) : -1;
			if (node < 0) {
				snprintf(info->note, sizeof(info->note),
					 "local: no NUMA node known for CPU %d", cpu);
				return -1;
			}
		}
		mask = numa_bitmask_alloc((unsigned)numa_max_node() + 1);
		if (mask == NULL)
			goto oom;
		numa_bitmask_setbit(mask, (unsigned)node);
		mode = MPOL_BIND;
	}
	/* maxnode is one more than the mask's bits: the kernel reads
	 * maxnode - 1 bits (libnuma passes size + 1 for the same reason). */
	long rc = mbind(p, size, mode, mask->maskp, mask->size + 1, 0);
	int e = errno;
	numa_bitmask_free(mask);
	if (rc != 0) {
		snprintf(info->note, sizeof(info->note), "mbind(%s): %s", info->policy,
			 strerror(e));
		return -1;
	}
	info->applied = true;
	info->node = node;
	return 0;
oom:
	snprintf(info->note, sizeof(info->note), "out of memory");
	return -1;
}

void *mem_alloc_shared(size_t size, const struct mem_policy *policy, int thread0_cpu,
		       struct mem_placement_info *info)
{
	struct mem_placement_info scratch;
	size_t len = round_up(size ? size : 1, page_size());

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	info->node = -1;
	info->first_page_node = -1;
	info->nodes = mem_numa_nodes();
	mem_policy_format(policy, info->policy, sizeof(info->policy));

	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		snprintf(info->note, sizeof(info->note), "mmap(%zu bytes): %s", len,
			 strerror(errno));
		return NULL;
	}
	if (!numa_ok()) {
		snprintf(info->note, sizeof(info->note),
			 "no NUMA support in this kernel (numa_available() < 0): "
			 "placement not applied");
	} else if (info->nodes == 1) {
		snprintf(info->note, sizeof(info->note),
			 "single NUMA node: placement not applied");
	} else if (place(p, len, policy, thread0_cpu, info) != 0) {
		munmap(p, len);
		return NULL;
	}
	/* Fault every page in now, under the policy just set. */
	memset(p, 0, len);
	info->first_page_node = page_node(p);
	return p;
}

void mem_free_shared(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, round_up(size ? size : 1, page_size()));
}

void *mem_alloc_local(size_t size, size_t align)
{
	size_t ps = page_size();

	if (align == 0)
		align = ps;
	if ((align & (align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	size_t len = round_up(size ? size : 1, ps);
	/* Fresh pages from mmap, not malloc: a recycled malloc chunk may sit on
	 * pages another thread (on another node) touched first, and small
	 * chunks of two threads could share a cache line. */
	size_t extra = align > ps ? align - ps : 0;
	char *raw = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	char *p = (char *)round_up((uintptr_t)raw, align);
	/* Trim to exactly [p, p + len) so mem_free_local can unmap it by size. */
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	if (raw + len + extra > p + len)
		munmap(p + len, (size_t)(raw + len + extra - (p + len)));
	memset(p, 0, len);	/* first touch, by the calling (pinned) thread */
	return p;
}

void mem_free_local(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, round_up(size ? size : 1, page_size()));
}
