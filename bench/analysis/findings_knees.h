/*
 * findings_knees.h - knees of a sweep's curves, named by the topology
 * boundary they cross (issue 23): "mcs loses 2.3x from 8 to 9 threads (cs
 * 50 ns), where the 9th thread is the first on the 2nd L3". A sentence
 * source for findings.c (FINDING_KNEE).
 *
 * A knee: for one lock and workload (every parameter but threads), two
 * consecutive thread counts of the sweep, Ta < Tb, both points ok, where
 * the median throughput falls by KNEE_FACTOR or more and the confidence
 * intervals do not overlap (Ta's low end above Tb's high end; points
 * without an interval are never knees). It is named by the widest boundary
 * with Ta < T <= Tb (results' `boundaries`), or by oversubscription when Tb
 * has more threads than CPUs and Ta not; otherwise it says it is at no
 * boundary. Knees of several locks at the same step share a sentence.
 */
#ifndef CONTEND_FINDINGS_KNEES_H
#define CONTEND_FINDINGS_KNEES_H

#include <stddef.h>

#include <jansson.h>

/* The throughput drop between consecutive thread counts that is a knee. */
#define KNEE_FACTOR 1.5

/*
 * The knee sentences of one results document, only for the listed locks
 * (nlocks 0: all), in the order of the sweep's workloads and thread
 * counts. *out: malloc'd array of malloc'd sentences (findings_knees_free).
 * Returns how many, or -1 when out of memory.
 */
long findings_knees(const json_t *doc, const char *const *locks, size_t nlocks, char ***out);
void findings_knees_free(char **s, size_t n);

#endif
