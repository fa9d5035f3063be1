/* findings_knees.c - see findings_knees.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundaries.h"
#include "findings_knees.h"
#include "reader.h"

struct kpoint {
	const char *lock;
	long threads, permits, nlocks, cs_lines;
	double cs, ncs, tput, lo, hi;
	bool ok, over;
};

struct knee {
	const struct kpoint *a, *b;   /* Ta, Tb */
	double factor;
	bool told;
};

/* Locks whose factor a sentence gives; the rest are named. */
#define KNEE_DETAIL 4

static int cmp_factor_desc(const void *x, const void *y)
{
	double fa = (*(const struct knee *const *)x)->factor;
	double fb = (*(const struct knee *const *)y)->factor;
	return fa < fb ? 1 : fa > fb ? -1 : 0;
}

/* 2.31 -> "2.3x", 72749 -> "72700x": three significant digits at most. */
static void factor_words(double x, char *buf, size_t len)
{
	/* the bounds are where the rounding changes the digits' count:
	 * 9.96 is "10x", not "10.0x" */
	if (x < 9.95)
		snprintf(buf, len, "%.1fx", x);
	else if (x < 999.5)
		snprintf(buf, len, "%.0fx", x);
	else
		snprintf(buf, len, "%.0fx", round(x / pow(10, floor(log10(x)) - 2)) *
			 pow(10, floor(log10(x)) - 2));
}

static long int_or(const json_t *o, const char *key, long dflt)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

static bool same_workload(const struct kpoint *a, const struct kpoint *b)
{
	return a->cs == b->cs && a->ncs == b->ncs && a->permits == b->permits &&
	       a->nlocks == b->nlocks && a->cs_lines == b->cs_lines;
}

static void workload_words(const struct kpoint *p, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "cs %g ns", p->cs);

	if (p->ncs != 0 && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", ncs %g ns", p->ncs);
	if (p->permits != 1 && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", permits %ld", p->permits);
	if (p->nlocks != 1 && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %ld locks", p->nlocks);
	if (p->cs_lines != 1 && n < len)
		snprintf(buf + n, len - n, ", %ld lines", p->cs_lines);
}

static void ordinal(long n, char *buf, size_t len)
{
	const char *suffix = n % 100 >= 11 && n % 100 <= 13 ? "th"
			   : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
	snprintf(buf, len, "%ld%s", n, suffix);
}

/* ", where the 9th thread is the first on the 2nd L3" and the like. */
static void where_words(const struct knee *k, const struct boundary *b, size_t nb, long cpus,
			char *buf, size_t len)
{
	const struct boundary *w = boundaries_widest_between(b, nb, k->a->threads, k->b->threads);
	char th[32], label[64];

	buf[0] = '\0';
	if (k->b->over && !k->a->over) {
		if (cpus > 0)
			snprintf(buf, len, ", where threads outnumber the %ld CPUs", cpus);
		else
			snprintf(buf, len, ", where threads outnumber the CPUs");
		return;
	}
	if (nb == 0)
		return;	/* a file without boundaries: nothing to name */
	if (w == NULL) {
		snprintf(buf, len, ", at no topology boundary");
		return;
	}
	ordinal(w->threads, th, sizeof(th));
	boundary_label(w, label, sizeof(label));
	snprintf(buf, len, ", where the %s thread is the first on %s%s", th,
		 w->level == BL_SMT ? "" : "the ", w->level == BL_SMT && w->ordinal == 2
		 ? "an SMT sibling" : label);
}

void findings_knees_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

long findings_knees(const json_t *doc, const char *const *locks, size_t nlocks, char ***out)
{
	const json_t *results = json_object_get(doc, "results");
	size_t total = json_array_size(results), n = 0, nk = 0, nb = 0, ns = 0;
	struct kpoint *p = calloc(total ? total : 1, sizeof(*p));
	struct knee *k = calloc(total ? total : 1, sizeof(*k));
	struct boundary *b = boundaries_read(doc, &nb);
	const json_t *topo = json_object_get(json_object_get(doc, "meta"), "topology");
	long cpus = int_or(topo, "pus", -1);
	char **s = calloc(total ? total : 1, sizeof(*s));
	struct knee **group = calloc(total ? total : 1, sizeof(*group));

	*out = NULL;
	if (p == NULL || k == NULL || s == NULL || group == NULL) {
		free(group);
		free(p);
		free(k);
		free(b);
		free(s);
		return -1;
	}
	for (size_t i = 0; i < total; i++) {
		const json_t *j = json_array_get(results, i);
		const json_t *tp = json_object_get(j, "throughput");
		const char *lock = json_string_value(json_object_get(j, "lock"));
		const char *status = json_string_value(json_object_get(j, "status"));

		if (lock == NULL || !results_lock_listed(locks, nlocks, lock))
			continue;
		p[n] = (struct kpoint){
			.lock = lock, .threads = int_or(j, "threads", 0),
			.permits = int_or(j, "permits", 1), .nlocks = int_or(j, "nlocks", 1),
			.cs_lines = int_or(j, "cs_lines", 1), .cs = results_num(j, "cs_ns"),
			.ncs = results_num(j, "ncs_ns"), .tput = results_num(tp, "median"),
			.lo = results_num(tp, "ci95_low"), .hi = results_num(tp, "ci95_high"),
			.over = json_is_true(json_object_get(j, "oversubscribed")),
		};
		p[n].ok = (status == NULL || strcmp(status, "ok") == 0) && isfinite(p[n].tput) &&
			  p[n].tput > 0;
		n++;
	}
	/* For each ok point a, the next thread count b of its lock and
	 * workload; a knee when b falls KNEE_FACTOR below a and the
	 * intervals are apart. */
	for (size_t i = 0; i < n; i++) {
		const struct kpoint *a = &p[i], *next = NULL;

		for (size_t j = 0; j < n; j++)
			if (strcmp(p[j].lock, a->lock) == 0 && same_workload(&p[j], a) &&
			    p[j].threads > a->threads && (!next || p[j].threads < next->threads))
				next = &p[j];
		if (!a->ok || next == NULL || !next->ok || !isfinite(a->lo) || !isfinite(next->hi))
			continue;
		double factor = a->tput / next->tput;
		if (factor >= KNEE_FACTOR && a->lo > next->hi)
			k[nk++] = (struct knee){ a, next, factor, false };
	}
	/* One sentence per step and workload, its locks in file order:
	 * "mcs loses 2.3x, ticket 1.6x from 8 to 9 threads (cs 50 ns), where
	 * the 9th thread is the first on the 2nd L3." */
	for (size_t i = 0; i < nk; i++) {
		char text[1024], where[160], work[160];
		size_t len = 0, ng = 0;

		if (k[i].told)
			continue;
		for (size_t j = i; j < nk; j++) {
			if (k[j].told || k[j].a->threads != k[i].a->threads ||
			    k[j].b->threads != k[i].b->threads || !same_workload(k[j].a, k[i].a))
				continue;
			k[j].told = true;
			group[ng++] = &k[j];
		}
		/* The deepest first; past KNEE_DETAIL, the names only:
		 * "mcs loses 63000x, ...; also tas, ttas". */
		qsort(group, ng, sizeof(*group), cmp_factor_desc);
		for (size_t g = 0; g < ng && len < sizeof(text); g++) {
			char fac[32];

			factor_words(group[g]->factor, fac, sizeof(fac));
			if (g < KNEE_DETAIL)
				len += (size_t)snprintf(text + len, sizeof(text) - len,
					g ? ", %s %s" : "%s loses %s", group[g]->a->lock, fac);
			else
				len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
					g == KNEE_DETAIL ? "; also " : ", ", group[g]->a->lock);
		}
		workload_words(k[i].a, work, sizeof(work));
		where_words(&k[i], b, nb, cpus, where, sizeof(where));
		if (asprintf(&s[ns], "%s from %ld to %ld threads (%s)%s.", text, k[i].a->threads,
			     k[i].b->threads, work, where) < 0) {
			findings_knees_free(s, ns);
			s = NULL;
			ns = 0;
			free(group);
			free(p);
			free(k);
			free(b);
			return -1;
		}
		ns++;
	}
	free(group);
	free(p);
	free(k);
	free(b);
	*out = s;
	return (long)ns;
}
