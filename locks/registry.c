/* registry.c - the table of every lock, built from registry.def. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"

_Thread_local struct lock_stats lock_thread_stats;

const char *const lock_stat_name[LOCK_STAT_COUNT] = {
#define LOCK_STAT_NAME(name, point_since, thread_since, what) #name,
	LOCK_STATS_LIST(LOCK_STAT_NAME)
#undef LOCK_STAT_NAME
};

#define LOCK(sym) extern const struct lock_desc lock_desc_##sym;
#include "registry.def"
#undef LOCK

static const struct lock_desc *const registry[] = {
#define LOCK(sym) &lock_desc_##sym,
#include "registry.def"
#undef LOCK
};

size_t lock_count(void)
{
	return sizeof(registry) / sizeof(registry[0]);
}

const struct lock_desc *lock_at(size_t i)
{
	return i < lock_count() ? registry[i] : NULL;
}

const struct lock_desc *lock_find(const char *name)
{
	for (size_t i = 0; i < lock_count(); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const char *lock_family_name(enum lock_family f)
{
	switch (f) {
	case LOCK_FAMILY_SPIN: return "spin";
	case LOCK_FAMILY_QUEUE: return "queue";
	case LOCK_FAMILY_SLEEP: return "sleep";
	case LOCK_FAMILY_HYBRID: return "hybrid";
	case LOCK_FAMILY_BASELINE: return "baseline";
	}
	return "?";
}

void lock_fail(const char *lock, const char *call, int err)
{
	fprintf(stderr, "contend: %s: %s failed: %s\n", lock, call, strerror(err));
	abort();
}
