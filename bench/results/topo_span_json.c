/* topo_span_json.c - see topo_span_json.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "topo_span_json.h"

#define UNPINNED_REASON "unpinned (--pin none): the scheduler places the threads"

void topo_span_json_set(json_t *point, const struct topo *t, const int *cpus, unsigned n)
{
	struct topo_span sp;

	if (topo_span(t, cpus, n, &sp) != 0) {
		json_object_set_new(point, "cpus_span", json_null());
		json_object_set_new(point, "cpus_span_unavailable_reason",
				    json_string(UNPINNED_REASON));
		return;
	}
	json_t *o = json_pack("{s:i, s:i, s:i, s:o, s:i, s:i}", "pus", (int)sp.pus,
		"cores", (int)sp.cores, "smt_shared_cores", (int)sp.smt_shared_cores,
		"l3", sp.l3 >= 0 ? json_integer(sp.l3) : json_null(),
		"packages", (int)sp.packages, "numa_nodes", (int)sp.numa_nodes);
	if (sp.l3 < 0)
		json_object_set_new(o, "l3_unavailable_reason",
				    json_string("hwloc reports no L3 cache for these CPUs"));
	json_object_set_new(point, "cpus_span", o);
}

void topo_boundaries_json_set(json_t *doc, const struct topo *t, const char *pin)
{
	size_t max = topo_pus(t) + 1;
	struct topo_boundary *b = calloc(max, sizeof(*b));
	bool unpinned = false;
	int n = b ? topo_boundaries(t, pin, b, max, &unpinned, NULL, 0) : -1;

	if (n < 0 || unpinned) {
		json_object_set_new(doc, "boundaries", json_null());
		json_object_set_new(doc, "boundaries_unavailable_reason", json_string(
			unpinned ? UNPINNED_REASON : "the pin policy has no plan on this machine"));
		free(b);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:i, s:s, s:i, s:s}",
			"threads", (int)b[i].threads, "level", topo_level_name(b[i].level),
			"ordinal", (int)b[i].ordinal, "text", b[i].text));
	json_object_set_new(doc, "boundaries", arr);
	free(b);
}

void topo_span_print(FILE *f, const struct topo *t, const char *pin, const int *cpus,
		     unsigned n)
{
	struct topo_span sp;
	size_t max = topo_pus(t) + 1;
	struct topo_boundary *b;
	bool unpinned = false;
	int nb;

	if (topo_span(t, cpus, n, &sp) != 0)
		return;
	char l3[32];
	if (sp.l3 >= 0)
		snprintf(l3, sizeof(l3), "%d L3%s", sp.l3, sp.l3 == 1 ? "" : "s");
	else
		snprintf(l3, sizeof(l3), "L3 unknown");
	fprintf(f, "span: %u CPU%s, %u core%s (%u with SMT siblings in use), %s, "
		"%u package%s, %u NUMA node%s\n", sp.pus, sp.pus == 1 ? "" : "s", sp.cores,
		sp.cores == 1 ? "" : "s", sp.smt_shared_cores, l3, sp.packages,
		sp.packages == 1 ? "" : "s", sp.numa_nodes, sp.numa_nodes == 1 ? "" : "s");
	b = calloc(max, sizeof(*b));
	nb = b ? topo_boundaries(t, pin, b, max, &unpinned, NULL, 0) : -1;
	if (nb > 0) {
		int shown = 0;
		for (int i = 0; i < nb; i++)
			shown += b[i].threads <= n;
		fprintf(f, "boundaries up to %u threads (%d of %d):%s\n", n, shown, nb,
			shown ? "" : " none");
		for (int i = 0; i < nb && b[i].threads <= n; i++)
			fprintf(f, "  %s\n", b[i].text);
	}
	free(b);
}
