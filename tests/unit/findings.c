/* findings.c - the findings' rules (bench/analysis/findings.c) in C, on
 * points built here and decoded by the results reader's one point decoder
 * (result_point_decode): the fastest lock clear of or tied with the
 * runner-up, a collapse, and the --locks filter; negative controls where a
 * rule must stay silent. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../lib/tap.h"
#include "findings.h"
#include "reader.h"

static json_t *point(const char *lock, int threads, double tput, double lo, double hi)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:f, s:i, s:s,"
			 " s:{s:f, s:f, s:f, s:f}, s:{s:f, s:f}}",
			 "lock", lock, "pin", "compact", "threads", threads, "permits", 1,
			 "nlocks", 1, "cs_lines", 1, "cs_ns", 100.0, "ncs_ns", 0.0, "repeats", 5,
			 "status", "ok", "throughput", "median", tput, "ci95_low", lo,
			 "ci95_high", hi, "ci_level", 0.95, "fairness", "jain", 1.0,
			 "min_share", 1.0);
}

static json_t *doc_of(json_t *points)
{
	return json_pack("{s:{s:s, s:s}, s:b, s:o}", "meta", "hostname", "alpha", "cpu_model",
			 "Test CPU", "complete", 1, "results", points);
}

/* The first finding of KIND whose text holds every one of the words. */
static const char *find(const struct findings *f, enum finding_kind kind, const char *w1,
			const char *w2)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].kind == kind && strstr(f->items[i].text, w1) &&
		    (!w2 || strstr(f->items[i].text, w2)))
			return f->items[i].text;
	return NULL;
}

static size_t count(const struct findings *f, enum finding_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->items[i].kind == kind;
	return n;
}

int main(void)
{
	struct findings f;
	json_t *doc;

	/* The decoder the findings now share with plot and report. */
	json_t *pj = point("mcs", 4, 2e6, 1.9e6, 2.1e6);
	struct result_point p;
	result_point_decode(pj, &p);
	ok(strcmp(p.lock, "mcs") == 0 && p.threads == 4 && p.tput == 2e6 &&
	   p.tput_ci_low == 1.9e6 && p.starved_threads == -1 && !p.machine_changed,
	   "result_point_decode: lock, threads, throughput and its interval; absent starved_threads is -1");
	json_decref(pj);

	/* mcs clear of ticket at 1 thread; ticket collapses 25x at 8 threads. */
	doc = doc_of(json_pack("[o, o, o, o]", point("mcs", 1, 1e6, 0.95e6, 1.05e6),
			       point("ticket", 1, 5e5, 4.8e5, 5.2e5),
			       point("mcs", 8, 9e5, 8.5e5, 9.5e5),
			       point("ticket", 8, 2e4, 1.9e4, 2.1e4)));
	const json_t *docs[] = { doc };
	ok(findings_compute(docs, NULL, 1, NULL, 0, &f) == 0, "findings_compute succeeds");
	ok(find(&f, FINDING_FASTEST, "fastest mcs", "clear of ticket") != NULL,
	   "fastest: mcs clear of ticket when the intervals do not overlap");
	ok(find(&f, FINDING_FASTEST, "tied", NULL) == NULL,
	   "fastest: no tie when the intervals are apart (negative control)");
	ok(find(&f, FINDING_COLLAPSE, "ticket", NULL) != NULL,
	   "collapse: ticket falls 25x below its own best");
	ok(find(&f, FINDING_COLLAPSE, "mcs", NULL) == NULL,
	   "collapse: mcs (0.9x of its best) is not called a collapse (negative control)");
	ok(f.nmachines == 1 && strstr(f.machines[0], "alpha: Test CPU") == f.machines[0],
	   "the machine line names host and CPU");
	findings_free(&f);

	/* The --locks filter: with only mcs, there is nobody to beat or tie. */
	const char *only[] = { "mcs" };
	ok(findings_compute(docs, NULL, 1, only, 1, &f) == 0 &&
	   find(&f, FINDING_FASTEST, "only mcs was measured", NULL) != NULL &&
	   count(&f, FINDING_COLLAPSE) == 0,
	   "--locks mcs: only mcs counts, ticket's collapse is left out");
	findings_free(&f);
	json_decref(doc);

	/* Overlapping intervals: a tie, not a winner. */
	doc = doc_of(json_pack("[o, o]", point("mcs", 2, 1e6, 0.9e6, 1.1e6),
			       point("clh", 2, 0.98e6, 0.88e6, 1.08e6)));
	docs[0] = doc;
	ok(findings_compute(docs, NULL, 1, NULL, 0, &f) == 0 &&
	   find(&f, FINDING_FASTEST, "fastest mcs", "tied with clh") != NULL,
	   "fastest: mcs tied with clh when the intervals overlap");
	findings_free(&f);
	json_decref(doc);
	return done_testing();
}
