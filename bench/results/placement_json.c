/*
 * placement_json.c - see placement_json.h. A value the kernel could not
 * give is null, never a made-up node or CPU.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "placement_json.h"

static json_t *int_or_null(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

void placement_json_add(json_t *point, json_t *threads, const struct sweep_point *p)
{
	const struct placement_shared *sp = &p->shared_placement;
	json_t *nodes = json_array();

	for (int i = 0; i < sp->nnodes; i++)
		json_array_append_new(nodes, json_integer(sp->nodes[i]));
	json_object_set_new(point, "lock_placement", json_pack("{s:o, s:o, s:o, s:o}",
		"node_asked", int_or_null(sp->node_asked),
		"node", int_or_null(sp->lock_node),
		"policy", sp->policy[0] ? json_string(sp->policy) : json_null(),
		"policy_nodes", sp->policy[0] ? nodes : (json_decref(nodes), json_null())));

	for (unsigned i = 0; i < p->threads && i < json_array_size(threads); i++) {
		const struct placement_thread *t = &p->per_thread[i].placement;
		json_object_set_new(json_array_get(threads, i), "placement",
			json_pack("{s:[o, o, o], s:o, s:o}",
				"cpu_samples", int_or_null(t->cpu_window_start),
				int_or_null(t->cpu_window_mid), int_or_null(t->cpu_stop),
				"cpu_node", int_or_null(t->cpu_node),
				"data_node", int_or_null(t->data_node)));
	}
}
