/*
 * order.c - the lock-order graph: which mutexes a thread held when it
 * acquired another, as edges held -> acquired, each recorded once with the
 * stack of its first occurrence; a cycle in the graph is a potential
 * deadlock even when the run did not deadlock (threads that take A then B
 * and B then A at different times).
 *
 * Per thread, a fixed array of the mutexes it holds (no allocation; more
 * than ORDER_HELD nested holds are counted, not kept). A thread that holds
 * nothing pays one TLS load per lock attempt and one TLS store per
 * acquisition and release; the edge table is looked at only by a thread
 * that already holds a mutex.
 *
 * Trylocks, as the sanitizers' deadlock detector does: a successful
 * trylock puts the mutex into the held set (a later blocking lock while it
 * is held adds edges from it), but adds no edge into it: a trylock never
 * blocks, so it cannot be the waiting step of a deadlock. The re-take after
 * a condition wait adds no edges either (it pushes the mutex back). Only
 * pthread mutexes (also our substitutes, and C11 mtx_t) are nodes; rwlocks,
 * spinlocks and semaphores are not tracked.
 */
#include <stdatomic.h>
#include <string.h>

#include "preload.h"

_Atomic uint32_t order_next_id;

/* The mutexes this thread holds, innermost last; n may exceed ORDER_HELD
 * (then only the first ORDER_HELD are known). */
PRELOAD_TLS struct order_thread order_self;

struct order_edge order_edges[ORDER_EDGES];
_Atomic uint64_t order_edges_dropped;

static size_t slot_of(uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - ORDER_EDGE_BITS));
}

static uint64_t key_of(const struct mutex_rec *from, const struct mutex_rec *to)
{
	return (uint64_t)from->lo_id << 32 | to->lo_id;
}

/* The slot of edge key, or NULL when absent. */
static struct order_edge *find(uint64_t key)
{
	size_t i = slot_of(key);
	for (size_t n = 0; n < ORDER_EDGES; n++, i = (i + 1) & (ORDER_EDGES - 1)) {
		uint64_t k = atomic_load_explicit(&order_edges[i].key, memory_order_relaxed);
		if (k == key)
			return &order_edges[i];
		if (k == 0)
			return NULL;
	}
	return NULL;
}

/* Before a blocking attempt on r while holding others: a stack for the
 * edges not yet in the graph (taken now, not after the acquisition: see
 * rec_of() in interpose.c on backtrace() under a mutex the loader may
 * want). */
void order_prepare(struct mutex_rec *r)
{
	struct order_thread *t = &order_self;
	int n = t->n < ORDER_HELD ? t->n : ORDER_HELD;
	t->have_stack = false;
	for (int i = 0; i < n; i++)
		if (t->held[i] != r && find(key_of(t->held[i], r)) == NULL) {
			preload_stack(&t->stack);
			t->have_stack = true;
			return;
		}
}

/* After a blocking acquisition of r while holding others: the new edges. */
void order_edges_add(struct mutex_rec *r)
{
	struct order_thread *t = &order_self;
	int n = t->n < ORDER_HELD ? t->n : ORDER_HELD;
	for (int i = 0; i < n; i++) {
		struct mutex_rec *h = t->held[i];
		if (h == r) /* a recursive mutex taken again */
			continue;
		uint64_t key = key_of(h, r);
		size_t s = slot_of(key);
		for (size_t k = 0;; k++, s = (s + 1) & (ORDER_EDGES - 1)) {
			if (k == ORDER_EDGES) {
				atomic_fetch_add_explicit(&order_edges_dropped, 1,
							  memory_order_relaxed);
				break;
			}
			struct order_edge *e = &order_edges[s];
			uint64_t cur = atomic_load_explicit(&e->key, memory_order_relaxed);
			if (cur == key)
				break;
			if (cur != 0)
				continue;
			/* Claimed once (relaxed: the key carries no data; the
			 * contents are published by `ready` below). */
			if (!atomic_compare_exchange_strong_explicit(&e->key, &cur, key,
								     memory_order_relaxed,
								     memory_order_relaxed)) {
				if (cur == key)
					break;
				continue;
			}
			e->from = h;
			e->to = r;
			e->nframes = t->have_stack ? t->stack.n : 0;
			if (e->nframes > 0)
				memcpy(e->frames, t->stack.pc, sizeof(void *) * (size_t)e->nframes);
			/* RELEASE: pairs with the ACQUIRE load in the report,
			 * which then sees from, to and the frames. */
			atomic_store_explicit(&e->ready, 1, memory_order_release);
			break;
		}
	}
}

/* r was released by this thread: out of the held set (the innermost
 * occurrence; a mutex released by a thread that did not lock it through
 * us is not there and is ignored). */
void order_pop(struct mutex_rec *r)
{
	struct order_thread *t = &order_self;
	int n = t->n < ORDER_HELD ? t->n : ORDER_HELD;
	for (int i = n - 1; i >= 0; i--)
		if (t->held[i] == r) {
			memmove(&t->held[i], &t->held[i + 1], sizeof(void *) * (size_t)(n - 1 - i));
			t->n--;
			return;
		}
	if (t->n > ORDER_HELD)
		t->n--; /* one of those we could not keep */
}
