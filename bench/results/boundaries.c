/* boundaries.c - see boundaries.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundaries.h"

static enum boundary_level level_of(const char *s)
{
	static const char *const names[] = { [BL_SMT] = "smt", [BL_CORE] = "core", [BL_L3] = "l3",
					     [BL_NUMA] = "numa", [BL_PACKAGE] = "package" };

	for (int i = 0; s != NULL && i < BL_UNKNOWN; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum boundary_level)i;
	return BL_UNKNOWN;
}

struct boundary *boundaries_read(const json_t *doc, size_t *n)
{
	const json_t *arr = json_object_get(doc, "boundaries");
	size_t total = json_array_size(arr);
	struct boundary *b = total ? calloc(total, sizeof(*b)) : NULL;

	*n = 0;
	if (b == NULL)
		return NULL;
	for (size_t i = 0; i < total; i++) {
		const json_t *e = json_array_get(arr, i);
		const json_t *t = json_object_get(e, "threads"), *o = json_object_get(e, "ordinal");
		const char *text = json_string_value(json_object_get(e, "text"));
		enum boundary_level lv = level_of(json_string_value(json_object_get(e, "level")));

		if (!json_is_integer(t) || !json_is_integer(o) || lv == BL_UNKNOWN)
			continue;
		b[*n] = (struct boundary){ (long)json_integer_value(t), lv,
					   (long)json_integer_value(o), text ? text : "" };
		(*n)++;
	}
	if (*n == 0) {
		free(b);
		return NULL;
	}
	return b;
}

const struct boundary *boundaries_widest_between(const struct boundary *b, size_t n,
						 long lo, long hi)
{
	const struct boundary *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (b[i].threads > lo && b[i].threads <= hi &&
		    (best == NULL || b[i].level > best->level))
			best = &b[i];
	return best;
}

void boundary_label(const struct boundary *b, char *buf, size_t len)
{
	static const char *const words[] = { [BL_CORE] = "core", [BL_L3] = "L3",
					     [BL_NUMA] = "NUMA node", [BL_PACKAGE] = "package" };
	long n = b->ordinal;
	const char *suffix = n % 100 >= 11 && n % 100 <= 13 ? "th"
			   : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";

	if (b->level == BL_SMT)
		snprintf(buf, len, n == 2 ? "SMT sibling" : "SMT thread %ld", n);
	else
		snprintf(buf, len, "%ld%s %s", n, suffix, words[b->level]);
}

bool boundaries_equal(const struct boundary *a, size_t na, const struct boundary *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].threads != b[i].threads || a[i].level != b[i].level)
			return false;
	return true;
}
