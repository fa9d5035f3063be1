/* compare.c - the verdicts of contend compare (see compare.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "stats.h"

const char *const compare_verdict_words[] = {
	[V_FASTER] = "faster", [V_SLOWER] = "slower", [V_NOISE] = "within noise",
	[V_NO_CI] = "no CI", [V_FAILED] = "failed", [V_NOT_COMPARABLE] = "not comparable",
};


/* A point's repeats from its per_repeat array: throughput, round trip
 * before/after, speed (mean of before and after where both exist). Returns
 * how many (at most max). */
static size_t point_repeats(const struct result_point *p, double *tput, double *rtt_b,
			    double *rtt_a, double *speed, double *foreign, size_t max)
{
	const json_t *reps = json_object_get(p->json, "per_repeat");
	size_t n = 0, i;
	const json_t *r;

	json_array_foreach(reps, i, r) {
		if (n == max)
			break;
		const json_t *pb = json_object_get(r, "probe_before"),
			     *pa = json_object_get(r, "probe_after");
		double sb = results_num(pb, "speed_ns"), sa = results_num(pa, "speed_ns");
		tput[n] = results_num(r, "throughput");
		rtt_b[n] = results_num(pb, "rtt_ns");
		rtt_a[n] = results_num(pa, "rtt_ns");
		speed[n] = isfinite(sb) && isfinite(sa) ? (sb + sa) / 2 : isfinite(sb) ? sb : sa;
		foreign[n] = results_num(r, "foreign_share"); /* absent before v2: NaN */
		n++;
	}
	return n;
}

static double median_of(const double *v, size_t n)
{
	double w[n ? n : 1];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]) && v[i] > 0)
			w[m++] = v[i];
	if (m == 0)
		return NAN;
	struct summary s;
	stats_summarize(w, m, &s);
	return s.median;
}

static void side_from_file(const struct result_point *p, struct compare_side *s)
{
	s->median = p->tput;
	s->low = p->tput_ci_low;
	s->high = p->tput_ci_high;
	s->level = isfinite(p->tput_ci_level) ? p->tput_ci_level : 0;
	s->repeats = (size_t)p->repeats;
	if (isnan(s->low) || isnan(s->high) || p->repeats < 2)
		s->level = 0;
}

static void side_from_repeats(const double *tput, const int *id, size_t n, int regime,
			      struct compare_side *s)
{
	double v[n ? n : 1];
	size_t m = 0;
	struct summary sum;
	v[0] = NAN;
	for (size_t i = 0; i < n; i++)
		if (id[i] == regime && isfinite(tput[i]))
			v[m++] = tput[i];
	stats_summarize(v, m, &sum);
	s->median = sum.median;
	s->low = sum.ci95_low;
	s->high = sum.ci95_high;
	s->level = m >= 2 ? sum.ci_level : 0;
	s->repeats = m;
}

#define MAX_REPEATS 1000

/*
 * Which repeats the two points are judged on. Groups the probes of both
 * points into regimes; when they all fall in one (or there are none), each
 * side is its file's summary. Otherwise the shared regime with the most
 * repeats on its poorer side is used; none shared: not comparable.
 */
static bool choose_sides(struct compare_match *m)
{
	static double tput[2][MAX_REPEATS], rb[2 * MAX_REPEATS], ra[2 * MAX_REPEATS],
		speed[2][MAX_REPEATS], foreign[2][MAX_REPEATS], center[4 * MAX_REPEATS];
	static int id[2 * MAX_REPEATS];
	const struct result_point *pt[2] = { m->base, m->new };
	size_t n[2];

	for (int k = 0; k < 2; k++) {
		n[k] = point_repeats(pt[k], tput[k], rb + (k ? n[0] : 0), ra + (k ? n[0] : 0),
				     speed[k], foreign[k], MAX_REPEATS);
		side_from_file(pt[k], &m->s[k]);
	}
	/* Same machine, different speed: the machine changed, not the build. */
	double sp0 = median_of(speed[0], n[0]), sp1 = median_of(speed[1], n[1]);
	const struct results_file *fb = m->base_file, *fn = m->new_file;
	bool same_machine = fb && fn && strcmp(fb->hostname, fn->hostname) == 0 &&
			    (fb->cpu_model == NULL) == (fn->cpu_model == NULL) &&
			    (fb->cpu_model == NULL || strcmp(fb->cpu_model, fn->cpu_model) == 0);
	m->speed_shift = isfinite(sp0) && isfinite(sp1) && sp0 > 0 && sp1 > 0
				 ? (sp1 > sp0 ? sp1 / sp0 : sp0 / sp1) : 1;
	if (same_machine && m->speed_shift > COMPARE_MAX_SPEED_SHIFT) {
		snprintf(m->note, sizeof(m->note), "machine speed differs %.2fx", m->speed_shift);
		return false;
	}
	if (!same_machine)
		m->speed_shift = 1; /* two machines: their speed is what is compared */
	/* median_of() skips zeros; a share of 0 is a measurement here. */
	double fo[2];
	for (int k = 0; k < 2; k++) {
		double v[MAX_REPEATS];
		size_t q = 0;
		for (size_t i = 0; i < n[k]; i++)
			if (isfinite(foreign[k][i]))
				v[q++] = foreign[k][i] + 1; /* shifted past median_of's > 0 */
		fo[k] = median_of(v, q) - 1;
	}
	if (isfinite(fo[0]) && isfinite(fo[1]) &&
	    (fabs(fo[0] - fo[1]) > COMPARE_MAX_FOREIGN_SHIFT || fo[0] > COMPARE_MAX_FOREIGN ||
	     fo[1] > COMPARE_MAX_FOREIGN)) {
		snprintf(m->note, sizeof(m->note), "other load took %.0f%% / %.0f%% of its CPUs",
			 100 * fo[0], 100 * fo[1]);
		return false;
	}

	size_t nreg = stats_repeat_regimes(rb, ra, n[0] + n[1], id, center);
	if (nreg <= 1)
		return true;
	int best = -1;
	size_t best_min = 0;
	for (int r = 0; r < (int)nreg; r++) {
		size_t c[2] = { 0, 0 };
		for (size_t i = 0; i < n[0] + n[1]; i++)
			if (id[i] == r)
				c[i < n[0] ? 0 : 1]++;
		size_t mn = c[0] < c[1] ? c[0] : c[1];
		if (mn > best_min) {
			best_min = mn;
			best = r;
		}
	}
	if (best < 0) {
		snprintf(m->note, sizeof(m->note), "never shared a placement regime");
		return false;
	}
	side_from_repeats(tput[0], id, n[0], best, &m->s[0]);
	side_from_repeats(tput[1], id + n[0], n[1], best, &m->s[1]);
	if (m->s[0].repeats < 3 || m->s[1].repeats < 3)
		/* e.g. repeats split 2+2+2: said in words, not left to a
		 * missing interval to hint at */
		snprintf(m->note, sizeof(m->note),
			 "no placement regime holds 3 repeats of each (best %.0f ns: %zu+%zu)",
			 center[best], m->s[0].repeats, m->s[1].repeats);
	else
		snprintf(m->note, sizeof(m->note), "regime %.0f ns: %zu+%zu repeats", center[best],
			 m->s[0].repeats, m->s[1].repeats);
	return true;
}

enum compare_verdict compare_judge(struct compare_match *m, double threshold)
{
	const struct result_point *b = m->base, *n = m->new;

	m->failed_side = NULL;
	m->ratio = NAN;
	side_from_file(b, &m->s[0]);
	side_from_file(n, &m->s[1]);
	if (b->failed || n->failed) {
		m->failed_side = b->failed && n->failed ? "both" : b->failed ? "BASE" : "NEW";
		return V_FAILED;
	}
	m->speed_shift = 1;
	bool comparable = m->platform || choose_sides(m);
	const struct compare_side *sb = &m->s[0], *sn = &m->s[1];
	/* A BASE that made no progress has no finite ratio; the intervals can
	 * still tell whether NEW did better. */
	m->ratio = sb->median > 0 ? sn->median / sb->median : NAN;
	if (!comparable)
		return V_NOT_COMPARABLE;
	if (sb->level < COMPARE_MIN_CI_LEVEL || sn->level < COMPARE_MIN_CI_LEVEL ||
	    isnan(sb->low) || isnan(sb->high) || isnan(sn->low) || isnan(sn->high))
		return V_NO_CI;
	/* The least ratio called: the threshold, times the speed shift the
	 * probes saw between the runs (what the machine alone can explain). */
	double least = (1 + threshold) * m->speed_shift;
	if (sn->low > sb->high && (isnan(m->ratio) || m->ratio >= least))
		return V_FASTER;
	if (sn->high < sb->low && 1 / m->ratio >= least)
		return V_SLOWER;
	return V_NOISE;
}


void compare_points(struct comparison *c)
{
	const struct results_file *b = c->file[0], *n = c->file[1];
	bool *used = calloc(n->npoints ? n->npoints : 1, sizeof(*used));

	c->m = calloc(b->npoints, sizeof(*c->m));
	c->only[0] = calloc(b->npoints, sizeof(*c->only[0]));
	c->only[1] = calloc(n->npoints, sizeof(*c->only[1]));
	if (!used || !c->m || !c->only[0] || !c->only[1]) {
		cli_error("out of memory");
		exit(1);
	}
	for (size_t i = 0; i < b->npoints; i++) {
		size_t j;

		for (j = 0; j < n->npoints; j++)
			if (!used[j] && result_point_same_key(&b->points[i], &n->points[j]))
				break;
		if (j == n->npoints) {
			c->only[0][c->nonly[0]++] = &b->points[i];
			continue;
		}
		used[j] = true;
		struct compare_match *m = &c->m[c->nm++];
		m->base = &b->points[i];
		m->new = &n->points[j];
		m->base_file = b;
		m->new_file = n;
		m->platform = c->platform;
		m->verdict = compare_judge(m, c->threshold);
	}
	for (size_t j = 0; j < n->npoints; j++)
		if (!used[j])
			c->only[1][c->nonly[1]++] = &n->points[j];
	free(used);
}
