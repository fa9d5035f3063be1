/*
 * boundaries.h - the topology boundaries of a results document (top-level
 * `boundaries`, results/SCHEMA.md) as the charts and the findings read
 * them: read key by key, tolerant of files written before them (none).
 */
#ifndef CONTEND_BOUNDARIES_H
#define CONTEND_BOUNDARIES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Levels, narrowest first: the order of "widest". */
enum boundary_level { BL_SMT, BL_CORE, BL_L3, BL_NUMA, BL_PACKAGE, BL_UNKNOWN };

struct boundary {
	long threads;              /* the threads-th thread is the first there */
	enum boundary_level level;
	long ordinal;
	const char *text;          /* owned by the document */
};

/* The document's boundaries in thread order; *n 0 when it has none (older
 * file, unpinned sweep) or they are malformed (skipped entry by entry).
 * Returns a malloc'd array (NULL when *n is 0). */
struct boundary *boundaries_read(const json_t *doc, size_t *n);

/* The widest boundary with lo < threads <= hi (the first of equals), or
 * NULL: what a step from lo to hi threads crosses. */
const struct boundary *boundaries_widest_between(const struct boundary *b, size_t n,
						 long lo, long hi);

/* A short label: "2nd L3", "5th core", "SMT sibling", "2nd NUMA node". */
void boundary_label(const struct boundary *b, char *buf, size_t len);

/* The same boundaries (threads and levels) in both lists. */
bool boundaries_equal(const struct boundary *a, size_t na, const struct boundary *b, size_t nb);

#endif
