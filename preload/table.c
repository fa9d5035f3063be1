/*
 * table.c - where the preload library keeps its per-mutex records.
 *
 * Memory: an arena of anonymous mmap chunks, bumped with a fetch-add and
 * never freed (malloc is out: the program's allocator may itself lock a
 * mutex, and we run inside that allocator's callers). Records stay valid for
 * the life of the process, so a pointer to one never dangles.
 *
 * Table: open addressing with linear probing over a fixed array of pointers
 * to records (.bss, 2 MiB of address space, touched only where used). A slot
 * goes from NULL to a record exactly once, by CAS; the key is the record's
 * immutable addr. Lookups take no lock and write nothing. Memory is
 * O(number of mutexes): one record (a few cache lines) per address seen.
 * Records are never removed: a destroyed mutex keeps its profile, and a new
 * mutex at the same address continues that record (the report shows how
 * many times the address was initialised).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/mman.h>

#include "preload.h"

/* Past 3/4 full, linear probing gets long: new addresses go untracked. */
#define TABLE_MAX_RECORDS (TABLE_SLOTS / 4 * 3)
#define ARENA_CHUNK (1u << 20)

_Atomic(struct mutex_rec *) preload_slots[TABLE_SLOTS];
static _Atomic uint32_t record_count;
_Atomic uint64_t table_untracked;

struct arena_chunk {
	_Atomic size_t used; /* bytes handed out, header included */
	size_t size;
};
static _Atomic(struct arena_chunk *) arena_current;

size_t table_capacity(void)
{
	return TABLE_MAX_RECORDS;
}

void *arena_alloc(size_t size)
{
	/* LOCK_PAD (two lines), not one: a lock may align a field to LOCK_PAD
	 * against adjacent-line prefetch (mcs-tp, clh-tp), and its storage
	 * comes from here. */
	size = (size + LOCK_PAD - 1) & ~(size_t)(LOCK_PAD - 1);
	for (;;) {
		/* ACQUIRE: pairs with the RELEASE CAS that published the
		 * chunk, so its header is initialised. */
		struct arena_chunk *c = atomic_load_explicit(&arena_current,
							      memory_order_acquire);
		if (c != NULL) {
			size_t off = atomic_fetch_add_explicit(&c->used, size,
							       memory_order_relaxed);
			if (off + size <= c->size)
				return (char *)c + off;
		}
		/* The chunk is full (or there is none): map a new one. Racing
		 * threads may each map one; the losers unmap theirs. */
		size_t want = size + LOCK_PAD > ARENA_CHUNK ? size + LOCK_PAD : ARENA_CHUNK;
		void *p = mmap(NULL, want, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		struct arena_chunk *n = p;
		atomic_init(&n->used, LOCK_PAD); /* header */
		n->size = want;
		/* RELEASE: publishes the header to the ACQUIRE above. */
		if (!atomic_compare_exchange_strong_explicit(
			    &arena_current, &c, n, memory_order_release,
			    memory_order_relaxed))
			munmap(p, want);
	}
}

struct mutex_rec *table_find(const void *addr)
{
	size_t i = table_slot_of(addr);
	for (size_t n = 0; n < TABLE_SLOTS; n++, i = (i + 1) & (TABLE_SLOTS - 1)) {
		/* ACQUIRE: pairs with the RELEASE CAS in table_get(), so the
		 * record's fields are initialised. */
		struct mutex_rec *r = atomic_load_explicit(&preload_slots[i], memory_order_acquire);
		if (r == NULL)
			return NULL;
		if (r->addr == addr)
			return r;
	}
	return NULL;
}

/* A record this thread allocated but lost the race to insert, kept for its
 * next insertion. */
static PRELOAD_TLS struct mutex_rec *spare_rec;

struct mutex_rec *table_get(const void *addr, enum rec_kind kind_if_new)
{
	size_t i = table_slot_of(addr);
	struct mutex_rec *mine = NULL;

	for (size_t n = 0; n < TABLE_SLOTS; n++, i = (i + 1) & (TABLE_SLOTS - 1)) {
		/* ACQUIRE: as in table_find(). */
		struct mutex_rec *r = atomic_load_explicit(&preload_slots[i], memory_order_acquire);
		while (r == NULL) {
			if (mine == NULL) {
				if (atomic_load_explicit(&record_count, memory_order_relaxed) >=
				    TABLE_MAX_RECORDS)
					goto untracked;
				mine = spare_rec;
				spare_rec = NULL;
				if (mine == NULL)
					mine = arena_alloc(sizeof(*mine));
				if (mine == NULL)
					goto untracked;
				memset(mine, 0, sizeof(*mine));
				mine->addr = addr;
				mine->lo_id = atomic_fetch_add_explicit(&order_next_id, 1,
									memory_order_relaxed) + 1;
				atomic_init(&mine->kind, kind_if_new);
				subst_setup(mine);
			}
			/* RELEASE: publishes the record's initialisation to
			 * the ACQUIRE loads of the slot. */
			if (atomic_compare_exchange_strong_explicit(
				    &preload_slots[i], &r, mine, memory_order_release,
				    memory_order_acquire)) {
				atomic_fetch_add_explicit(&record_count, 1,
							  memory_order_relaxed);
				return mine;
			}
			/* r now holds the winner (ACQUIRE on failure). */
		}
		if (r->addr == addr) {
			if (mine != NULL)
				spare_rec = mine;
			return r;
		}
	}
untracked:
	if (mine != NULL)
		spare_rec = mine;
	atomic_fetch_add_explicit(&table_untracked, 1, memory_order_relaxed);
	return NULL;
}

void table_foreach(void (*fn)(struct mutex_rec *, void *), void *arg)
{
	for (size_t i = 0; i < TABLE_SLOTS; i++) {
		struct mutex_rec *r = atomic_load_explicit(&preload_slots[i], memory_order_acquire);
		if (r != NULL)
			fn(r, arg);
	}
}
