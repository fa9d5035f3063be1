/*
 * findings.h - what a sweep shows, in sentences with numbers: the report's
 * summary and the last lines of `contend run`.
 *
 * Computed from results documents (the JSON of results/SCHEMA.md), read key
 * by key and tolerant of keys a file lacks, so one computation serves a file
 * on disk and a sweep still in memory (sweep_to_json):
 *  - per scenario (every parameter but the lock): the fastest lock, its
 *    throughput, and whether its confidence interval is clear of the
 *    runner-up's ("tied with X" when they overlap);
 *  - the fairest and the least fair lock where some lock is unfair (Jain's
 *    index, the least-served thread's share, fairness.starved_threads);
 *  - collapses: a lock whose throughput falls 10x or more below its own best
 *    at fewer threads, with the factor and its context switches per
 *    acquisition;
 *  - where the measurement is weak: failed, noisy and drifted
 *    (machine_changed, or probe_moved in schema 1) points, intervals below
 *    95% (throughput.ci_level), critical sections off target
 *    (cs_off_target), points split over placement regimes (regimes),
 *    incomplete sweeps.
 * A figure the file does not hold is left out of its sentence, never guessed.
 */
#ifndef CONTEND_FINDINGS_H
#define CONTEND_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum finding_kind {
	FINDING_FASTEST,
	FINDING_FAIRNESS,
	FINDING_COLLAPSE,
	FINDING_WEAK,
	FINDING_KINDS
};

struct finding {
	enum finding_kind kind;
	char *text;           /* one plain sentence, no markup */
};

struct findings {
	char **machines;      /* one line per document */
	size_t nmachines;
	struct finding *items;
	size_t n;
};

/* Heading of a kind: "Fastest lock per scenario", ... */
const char *finding_kind_title(enum finding_kind k);

/*
 * Findings of NDOCS results documents; names[i] prefixes the sentences of
 * document i when there are several (NULL: its hostname). Only points of
 * the locks listed count (nlocks 0: all). Returns 0, -1 when out of memory.
 */
int findings_compute(const json_t *const *docs, const char *const *names, size_t ndocs,
		     const char *const *locks, size_t nlocks, struct findings *out);
void findings_free(struct findings *f);


/* The findings of one document as "# " lines after a table (contend run). */
void findings_print_json(const json_t *doc, FILE *out);

#endif
