/* compare_platform.c - compare's platform mode (compare_platform.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#include "compare_platform.h"
#include "platform.h"

void compare_platform_identity(FILE *out, const struct results_file *const f[2])
{
	struct platform_item it[PLATFORM_ITEMS];
	size_t n = platform_identity(f[0], f[1], it), ndiff = 0;
	int w = 12;

	for (size_t i = 0; i < n; i++)
		if (it[i].differs && (int)strlen(it[i].value[0]) > w)
			w = (int)strlen(it[i].value[0]);
	w = w > 48 ? 48 : w;
	fprintf(out, "machines: what differs (BASE | NEW)\n");
	for (size_t i = 0; i < n; i++)
		if (it[i].differs) {
			fprintf(out, "  %-13s %-*s | %s\n", it[i].what, w, it[i].value[0],
				it[i].value[1]);
			ndiff++;
		}
	if (!ndiff)
		fprintf(out, "  (nothing recorded differs)\n");
	fprintf(out, "same on both:");
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (!it[i].differs) {
			fprintf(out, "%s %s %s", any ? ";" : "", it[i].what, it[i].value[0]);
			any = true;
		}
	fprintf(out, "%s\n\n", any ? "" : " (nothing)");
}

/* The scenarios of BASE, each once, by its first point. */
static size_t scenarios(const struct results_file *f, const struct result_point **out)
{
	size_t n = 0;
	for (size_t i = 0; i < f->npoints; i++) {
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = platform_same_scenario(out[k], &f->points[i]);
		if (!seen)
			out[n++] = &f->points[i];
	}
	return n;
}

static void efficiency(FILE *out, const struct results_file *const f[2],
		       const struct result_point *sc)
{
	const struct results_file *b = f[0], *nf = f[1];
	long th[64];
	size_t nth = platform_threads(b, nf, sc, th, 64), shown = 0;
	const char **locks = calloc(b->npoints, sizeof(*locks));
	size_t nl = locks ? platform_scenario_locks(b, sc, locks) : 0;
	char scs[160], v[2][16];
	int lw = 4;

	for (size_t l = 0; l < nl; l++)
		lw = (int)strlen(locks[l]) > lw ? (int)strlen(locks[l]) : lw;
	platform_scenario_str(sc, scs, sizeof(scs));
	fprintf(out, "%s\n%-*s", scs, lw, "LOCK");
	for (size_t t = 0; t < nth; t++)
		if (th[t] > 1) {
			char head[32];
			snprintf(head, sizeof(head), "%ld thr BASE", th[t]);
			fprintf(out, "  %13s %8s", head, "NEW");
			shown++;
		}
	fputc('\n', out);
	for (size_t l = 0; l < nl; l++) {
		if (!platform_find(nf, sc, locks[l], 1) && !platform_find(b, sc, locks[l], 1))
			continue;
		fprintf(out, "%-*s", lw, locks[l]);
		for (size_t t = 0; t < nth; t++) {
			if (th[t] <= 1)
				continue;
			const struct result_point *pb = platform_find(b, sc, locks[l], th[t]),
						  *pn = platform_find(nf, sc, locks[l], th[t]);
			fmt_num(pb ? platform_efficiency(b, pb) : NAN, "%.3g", v[0], sizeof(v[0]));
			fmt_num(pn ? platform_efficiency(nf, pn) : NAN, "%.3g", v[1], sizeof(v[1]));
			fprintf(out, "  %13s %8s", v[0], v[1]);
		}
		fputc('\n', out);
	}
	if (!shown)
		fprintf(out, "(no thread count above 1 in both files)\n");
	/* Past a machine's CPUs, its scheduler is part of the figure. */
	for (size_t t = 0; t < nth; t++) {
		const char *side[2] = { NULL, NULL };
		for (size_t l = 0; l < nl; l++) {
			const struct result_point *pb = platform_find(b, sc, locks[l], th[t]),
						  *pn = platform_find(nf, sc, locks[l], th[t]);
			side[0] = pb && pb->oversubscribed ? "BASE" : side[0];
			side[1] = pn && pn->oversubscribed ? "NEW" : side[1];
		}
		if (th[t] > 1 && (side[0] || side[1]))
			fprintf(out, "(%ld threads oversubscribe %s%s%s: there the figure includes "
				"how the scheduler shares the CPUs)\n", th[t], side[0] ? side[0] : "",
				side[0] && side[1] ? " and " : "", side[1] ? side[1] : "");
	}
	fputc('\n', out);
	free(locks);
}

/* Descending median throughput; failed and unmeasured last. */
static int cmp_tput(const void *a, const void *b)
{
	const struct result_point *x = *(const struct result_point *const *)a,
				  *y = *(const struct result_point *const *)b;
	double tx = x->failed || isnan(x->tput) ? -1 : x->tput,
	       ty = y->failed || isnan(y->tput) ? -1 : y->tput;
	return (tx < ty) - (tx > ty);
}

/* The points of F at THREADS in the scenario of LIKE, fastest first;
 * returns how many. */
static size_t ranked(const struct results_file *f, const struct result_point *like, long threads,
		     const struct result_point **out)
{
	size_t n = 0;
	for (size_t i = 0; i < f->npoints; i++)
		if (f->points[i].threads == threads && platform_same_scenario(&f->points[i], like))
			out[n++] = &f->points[i];
	qsort(out, n, sizeof(*out), cmp_tput);
	return n;
}

static void order_line(FILE *out, const char *side, const char *name,
		       const struct result_point **r, size_t n)
{
	fprintf(out, "  %-4s %s:", side, name);
	for (size_t i = 0; i < n; i++) {
		const char *sep = i == 0 ? " " : platform_beats(r[i - 1], r[i]) > 0 ? " > " : " ~ ";
		fprintf(out, "%s%s%s", sep, r[i]->lock, r[i]->failed ? " (failed)" : "");
	}
	fputc('\n', out);
}

/* How the summary names the machines: their hostnames, or BASE and NEW
 * when both files carry one hostname. */
static const char *side_name(const struct results_file *const f[2], int s)
{
	if (strcmp(f[0]->hostname, f[1]->hostname) == 0)
		return s ? "NEW" : "BASE";
	return f[s]->hostname;
}

void compare_platform_summary(FILE *out, const struct results_file *const f[2])
{
	const struct results_file *b = f[0], *nf = f[1];
	const struct result_point **sc = calloc(b->npoints, sizeof(*sc));
	size_t max = b->npoints > nf->npoints ? b->npoints : nf->npoints;
	const struct result_point **r = calloc(max, sizeof(*r));
	struct platform_flip *flips;
	size_t nsc, nflips;

	if (!sc || !r) {
		free(sc);
		free(r);
		return;
	}
	nsc = scenarios(b, sc);
	fprintf(out, "\nscaling efficiency per lock: throughput at T threads / (T x its "
		"1-thread throughput), on each machine\n");
	for (size_t s = 0; s < nsc; s++)
		efficiency(out, f, sc[s]);

	fprintf(out, "lock order per scenario, fastest first by median throughput ('>': "
		"intervals apart, '~': they overlap)\n");
	for (size_t s = 0; s < nsc; s++) {
		long th[64];
		size_t nth = platform_threads(b, nf, sc[s], th, 64);
		char scs[160];

		platform_scenario_str(sc[s], scs, sizeof(scs));
		for (size_t t = 0; t < nth; t++) {
			fprintf(out, "%s, %ld thread%s\n", scs, th[t], th[t] == 1 ? "" : "s");
			order_line(out, "BASE", side_name(f, 0), r, ranked(b, sc[s], th[t], r));
			order_line(out, "NEW", side_name(f, 1), r, ranked(nf, sc[s], th[t], r));
		}
	}

	nflips = platform_order_flips(b, nf, &flips);
	fprintf(out, "\norder changes (a lock's interval above another's on one machine, "
		"below it on the other): %zu\n", nflips);
	for (size_t i = 0; i < nflips; i++) {
		char text[512];
		platform_flip_text(&flips[i], side_name(f, 0), side_name(f, 1), text,
				   sizeof(text));
		fprintf(out, "  %s\n", text);
	}
	free(flips);
	free(sc);
	free(r);
}

void compare_platform_tsv_head(FILE *f)
{
	fputs("\tmode\tbase_efficiency\tnew_efficiency\tbase_rank\tnew_rank", f);
}

/* 1 + the number of locks of P's scenario and thread count that are faster
 * by median in F; NaN for a failed or unmeasured point. */
static double rank_of(const struct results_file *f, const struct result_point *p)
{
	double r = 1;
	if (p->failed || isnan(p->tput))
		return NAN;
	for (size_t i = 0; i < f->npoints; i++) {
		const struct result_point *q = &f->points[i];
		if (q != p && q->threads == p->threads && platform_same_scenario(q, p) &&
		    !q->failed && q->tput > p->tput)
			r++;
	}
	return r;
}

void compare_platform_tsv_row(FILE *out, const struct results_file *const f[2], bool platform,
			      const struct result_point *base, const struct result_point *new)
{
	const double v[4] = { platform_efficiency(f[0], base),
			      platform_efficiency(f[1], new), rank_of(f[0], base),
			      rank_of(f[1], new) };

	fprintf(out, "\t%s", platform ? "platform" : "same");
	for (int k = 0; k < 4; k++)
		isnan(v[k]) ? fputs("\tNaN", out) : fprintf(out, k < 2 ? "\t%.6g" : "\t%.0f", v[k]);
}
