/*
 * topo.c - loading a topology from hwloc and the queries on it. See topo.h
 * for the numbering, topo_internal.h for what a load computes; pin plans are
 * in topo_plan.c, CPU lists in topo_cpulist.c, pinning in topo_pin.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpuinfo.h"
#include "errmsg.h"
#include "topo.h"
#include "topo_internal.h"

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

static bool looks_like_xml_path(const char *source)
{
	size_t n = strlen(source);

	if (n >= 4 && strcmp(source + n - 4, ".xml") == 0)
		return true;
	return access(source, F_OK) == 0;
}

/*
 * The main thread's affinity mask as a hwloc bitmap: on Linux, hwloc reads
 * the mask of the thread whose tid is given with HWLOC_CPUBIND_THREAD, and
 * the main thread's tid is getpid(), so a pinned helper thread calling
 * topo_load() still sees the process's mask. (Without the flag hwloc would
 * return the union over all the process's threads.)
 */
static hwloc_bitmap_t process_affinity(hwloc_topology_t hw, char *err, size_t errlen)
{
	hwloc_bitmap_t bm = hwloc_bitmap_alloc();

	if (bm == NULL) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (hwloc_get_proc_cpubind(hw, getpid(), bm, HWLOC_CPUBIND_THREAD) != 0) {
		seterr(err, errlen, "cannot read this process's CPU mask: %s",
		       strerror(errno));
		hwloc_bitmap_free(bm);
		return NULL;
	}
	return bm;
}

/* Keep only the CPUs the process may run on (see topo_load()). */
static int restrict_to_affinity(struct topo *t, char *err, size_t errlen)
{
	hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(t->hw);
	hwloc_bitmap_t allowed = process_affinity(t->hw, err, errlen);
	int rc = -1;

	if (allowed == NULL)
		return -1;
	t->machine_cpus = hwloc_bitmap_dup(all);
	if (t->machine_cpus == NULL) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	hwloc_bitmap_and(allowed, allowed, all);
	if (hwloc_bitmap_iszero(allowed)) {
		seterr(err, errlen,
		       "none of the CPUs this process may run on is in hwloc's topology");
		goto out;
	}
	rc = 0;
	if (!hwloc_bitmap_isequal(allowed, all) &&
	    hwloc_topology_restrict(t->hw, allowed, 0) != 0) {
		seterr(err, errlen, "hwloc_topology_restrict: %s", strerror(errno));
		rc = -1;
	}
out:
	hwloc_bitmap_free(allowed);
	return rc;
}

/* /proc/cpuinfo's "model name" (x86; other architectures may have none,
 * and then the model stays unknown). */
static char *cpuinfo_model(void)
{
	char *model = cpuinfo_field("model name");

	if (model != NULL && *model == '\0') {
		free(model);
		model = NULL;
	}
	return model;
}

static char *tidy(char *model)
{
	if (model != NULL)
		cpuinfo_tidy_model(model);
	return model;
}

static char *find_cpu_model(const struct topo *t)
{
	int n = hwloc_get_nbobjs_by_type(t->hw, HWLOC_OBJ_PACKAGE);

	for (int i = 0; i < n; i++) {
		hwloc_obj_t pkg = hwloc_get_obj_by_type(t->hw, HWLOC_OBJ_PACKAGE, (unsigned)i);
		const char *m = hwloc_obj_get_info_by_name(pkg, "CPUModel");
		if (m != NULL && *m != '\0')
			return tidy(strdup(m));
	}
	const char *m = hwloc_obj_get_info_by_name(hwloc_get_root_obj(t->hw), "CPUModel");
	if (m != NULL && *m != '\0')
		return tidy(strdup(m));
	return t->this_machine ? tidy(cpuinfo_model()) : NULL;
}

static unsigned count_with_cpus(hwloc_topology_t hw, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(hw, type);
	unsigned count = 0;

	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(hw, type, (unsigned)i);
		if (o->cpuset != NULL && !hwloc_bitmap_iszero(o->cpuset))
			count++;
	}
	return count;
}

static uint64_t cache_size(hwloc_topology_t hw, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(hw, type, 0);

	if (o == NULL || o->attr == NULL ||
	    o->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION)
		return 0;
	return o->attr->cache.size;
}

/*
 * The scatter order of the PUs below obj, written to out: the orders of its
 * children, recursively, merged round-robin (first of each child, then
 * second of each, ...). So at every level consecutive entries sit under
 * different children, and a child's second PU (e.g. an SMT sibling) comes
 * only after every child has given its first. Returns the number written.
 */
static size_t scatter_below(hwloc_obj_t obj, int *out)
{
	if (obj->type == HWLOC_OBJ_PU) {
		out[0] = (int)obj->os_index;
		return 1;
	}
	if (obj->arity == 0)
		return 0;
	if (obj->arity == 1)
		return scatter_below(obj->children[0], out);

	int *buf = NULL, **child = calloc(obj->arity, sizeof(*child));
	size_t *len = calloc(obj->arity, sizeof(*len));
	size_t total = 0, max = 0;
	int w = obj->cpuset ? hwloc_bitmap_weight(obj->cpuset) : 0;

	if (child == NULL || len == NULL || w <= 0)
		goto out;
	buf = malloc((size_t)w * sizeof(*buf));
	if (buf == NULL)
		goto out;
	/* Each child's order lands in its own slice of buf (the cpusets of
	 * siblings are disjoint, so the slices add up to at most w). */
	for (unsigned c = 0; c < obj->arity; c++) {
		child[c] = buf + total;
		len[c] = scatter_below(obj->children[c], child[c]);
		total += len[c];
		if (len[c] > max)
			max = len[c];
	}
	size_t n = 0;
	for (size_t round = 0; round < max; round++)
		for (unsigned c = 0; c < obj->arity; c++)
			if (round < len[c])
				out[n++] = child[c][round];
	total = n;
out:
	free(buf);
	free(child);
	free(len);
	return total;
}

/* How many of core's PUs come before pu in topology order: 0 for the PU
 * that the `cores` policy uses first. */
static unsigned pu_rank_in_core(hwloc_topology_t hw, hwloc_obj_t core, hwloc_obj_t pu)
{
	unsigned rank = 0;

	for (hwloc_obj_t o = hwloc_get_next_obj_inside_cpuset_by_type(hw, core->cpuset,
								       HWLOC_OBJ_PU, NULL);
	     o != NULL && o != pu;
	     o = hwloc_get_next_obj_inside_cpuset_by_type(hw, core->cpuset, HWLOC_OBJ_PU, o))
		rank++;
	return rank;
}

static int build_cpus(struct topo *t, char *err, size_t errlen)
{
	hwloc_topology_t hw = t->hw;
	int npu = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_PU);
	int ncoreobj = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_CORE);
	int nnode = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE);
	unsigned coreless = 0;

	if (npu <= 0) {
		seterr(err, errlen, "the topology has no CPUs (PUs)");
		return -1;
	}
	t->ncpus = (size_t)npu;
	t->cpus = calloc(t->ncpus, sizeof(*t->cpus));
	t->scatter = calloc(t->ncpus, sizeof(*t->scatter));
	t->cores_order = calloc(t->ncpus, sizeof(*t->cores_order));
	if (t->cpus == NULL || t->scatter == NULL || t->cores_order == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}

	unsigned max_smt = 0;
	for (int i = 0; i < npu; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(hw, HWLOC_OBJ_PU, (unsigned)i);
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(hw, HWLOC_OBJ_CORE, pu);
		hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(hw, HWLOC_OBJ_PACKAGE, pu);
		struct topo_cpu *c = &t->cpus[i];

		c->cpu = (int)pu->os_index;
		/* A PU that hwloc puts under no Core is a core of its own,
		 * numbered after the real ones. */
		if (core != NULL) {
			c->core = (int)core->logical_index;
			c->smt = pu_rank_in_core(hw, core, pu);
		} else {
			c->core = ncoreobj + (int)coreless++;
			c->smt = 0;
		}
		c->package = pkg != NULL ? (int)pkg->logical_index : 0;
		c->node = -1;
		for (int n = 0; n < nnode; n++) {
			hwloc_obj_t node = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, (unsigned)n);
			if (node->cpuset != NULL && hwloc_bitmap_isset(node->cpuset, pu->os_index)) {
				c->node = (int)node->os_index;
				break;
			}
		}
		if (c->smt > max_smt)
			max_smt = c->smt;
	}
	t->smt = max_smt > 0;
	t->cores = count_with_cpus(hw, HWLOC_OBJ_CORE) + coreless;
	t->packages = count_with_cpus(hw, HWLOC_OBJ_PACKAGE);
	if (t->packages == 0)
		t->packages = 1;	/* no package objects: the machine is one */
	t->numa_nodes = nnode > 0 ? (unsigned)nnode : 1;

	/* cores: rank 0 PUs in topology order, then rank 1, ... */
	size_t n = 0;
	for (unsigned rank = 0; rank <= max_smt; rank++)
		for (size_t i = 0; i < t->ncpus; i++)
			if (t->cpus[i].smt == rank)
				t->cores_order[n++] = t->cpus[i].cpu;

	if (scatter_below(hwloc_get_root_obj(hw), t->scatter) != t->ncpus) {
		seterr(err, errlen, "cannot order the topology's CPUs (out of memory?)");
		return -1;
	}
	return 0;
}

int topo_load(struct topo **out, const char *source, char *err, size_t errlen)
{
	struct topo *t = calloc(1, sizeof(*t));
	char desc[256];

	*out = NULL;
	if (t == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (hwloc_topology_init(&t->hw) != 0) {
		seterr(err, errlen, "hwloc_topology_init: %s", strerror(errno));
		free(t);
		return -1;
	}
	if (source == NULL) {
		snprintf(desc, sizeof(desc), "this machine");
	} else if (looks_like_xml_path(source)) {
		snprintf(desc, sizeof(desc), "XML file '%s'", source);
		if (access(source, R_OK) != 0) {
			seterr(err, errlen, "--topology: cannot read '%s': %s", source,
			       strerror(errno));
			goto fail;
		}
		if (hwloc_topology_set_xml(t->hw, source) != 0) {
			seterr(err, errlen, "--topology: '%s' is not a hwloc XML topology",
			       source);
			goto fail;
		}
	} else {
		snprintf(desc, sizeof(desc), "synthetic '%s'", source);
		if (hwloc_topology_set_synthetic(t->hw, source) != 0) {
			seterr(err, errlen,
			       "--topology: '%s' is neither a file nor a hwloc synthetic "
			       "description (e.g. \"pack:2 numa:1 core:4 pu:2\")", source);
			goto fail;
		}
	}
	if (hwloc_topology_load(t->hw) != 0) {
		/* hwloc's libxml2 backend (used when libxml2 is installed) accepts
		 * any file in set_xml and only fails here. */
		if (source != NULL && looks_like_xml_path(source))
			seterr(err, errlen, "--topology: '%s' is not a hwloc XML topology",
			       source);
		else if (source == NULL)
			seterr(err, errlen, "hwloc cannot read this machine's topology: %s",
			       strerror(errno));
		else
			seterr(err, errlen, "--topology: hwloc cannot load %s: %s", desc,
			       strerror(errno));
		goto fail;
	}
	/* An HWLOC_XMLFILE or HWLOC_SYNTHETIC environment variable makes hwloc
	 * describe another machine even for source NULL: never pin by it. */
	t->this_machine = source == NULL && hwloc_topology_is_thissystem(t->hw);
	if (t->this_machine && restrict_to_affinity(t, err, errlen) != 0)
		goto fail;
	if (build_cpus(t, err, errlen) != 0)
		goto fail;
	t->source = strdup(desc);
	t->cpu_model = find_cpu_model(t);
	t->cache_bytes[1] = cache_size(t->hw, HWLOC_OBJ_L1CACHE);
	t->cache_bytes[2] = cache_size(t->hw, HWLOC_OBJ_L2CACHE);
	t->cache_bytes[3] = cache_size(t->hw, HWLOC_OBJ_L3CACHE);
	hwloc_obj_t l1 = hwloc_get_obj_by_type(t->hw, HWLOC_OBJ_L1CACHE, 0);
	if (l1 != NULL && l1->attr != NULL &&
	    l1->attr->cache.type != HWLOC_OBJ_CACHE_INSTRUCTION)
		t->cache_line_bytes = l1->attr->cache.linesize;
	if (t->source == NULL) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	*out = t;
	return 0;
fail:
	topo_free(t);
	return -1;
}

void topo_free(struct topo *t)
{
	if (t == NULL)
		return;
	hwloc_topology_destroy(t->hw);
	hwloc_bitmap_free(t->machine_cpus);
	free(t->source);
	free(t->cpu_model);
	free(t->cpus);
	free(t->scatter);
	free(t->cores_order);
	free(t);
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */

bool topo_is_this_machine(const struct topo *t) { return t->this_machine; }
const char *topo_source(const struct topo *t) { return t->source; }
unsigned topo_packages(const struct topo *t) { return t->packages; }
unsigned topo_numa_nodes(const struct topo *t) { return t->numa_nodes; }
unsigned topo_cores(const struct topo *t) { return t->cores; }
unsigned topo_pus(const struct topo *t) { return (unsigned)t->ncpus; }
bool topo_smt(const struct topo *t) { return t->smt; }
const char *topo_cpu_model(const struct topo *t) { return t->cpu_model; }

uint64_t topo_cache_bytes(const struct topo *t, unsigned level)
{
	return level >= 1 && level <= 3 ? t->cache_bytes[level] : 0;
}

unsigned topo_cache_line_bytes(const struct topo *t) { return t->cache_line_bytes; }

size_t topo_cpus(const struct topo *t, int *cpus, size_t max)
{
	for (size_t i = 0; i < t->ncpus && i < max; i++)
		cpus[i] = t->cpus[i].cpu;
	return t->ncpus;
}

static const struct topo_cpu *find_cpu(const struct topo *t, int cpu)
{
	for (size_t i = 0; i < t->ncpus; i++)
		if (t->cpus[i].cpu == cpu)
			return &t->cpus[i];
	return NULL;
}

bool topo_has_cpu(const struct topo *t, int cpu) { return find_cpu(t, cpu) != NULL; }

int topo_cpu_node(const struct topo *t, int cpu)
{
	const struct topo_cpu *c = find_cpu(t, cpu);
	return c != NULL ? c->node : -1;
}

int topo_cpu_core(const struct topo *t, int cpu)
{
	const struct topo_cpu *c = find_cpu(t, cpu);
	return c != NULL ? c->core : -1;
}

int topo_cpu_package(const struct topo *t, int cpu)
{
	const struct topo_cpu *c = find_cpu(t, cpu);
	return c != NULL ? c->package : -1;
}

int topo_cpulist_string(const struct topo *t, char *buf, size_t len)
{
	hwloc_const_bitmap_t set = hwloc_topology_get_topology_cpuset(t->hw);
	int n = hwloc_bitmap_list_snprintf(buf, len, set);

	return n >= 0 && (size_t)n < len ? 0 : -1;
}
