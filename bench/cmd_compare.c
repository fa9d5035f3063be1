/*
 * cmd_compare.c - `contend compare BASE NEW`: per point, NEW/BASE throughput
 * and a verdict that an A/A pair (same build, same machine, twice) does not
 * fail.
 *
 * Why not the confidence intervals alone: they describe the spread within a
 * run, and two runs minutes apart on a VM differ by more than that (the host
 * moves and slows the vCPUs): two identical sweeps here had 5 of 16 points
 * with disjoint intervals, ratios 0.80-0.90. So a verdict needs all of:
 *
 *  1. Same regime. A 2-thread point's repeats fall into placement regimes
 *     (cache-line round trip ~60 ns or ~300 ns here, 3-4x throughput). The
 *     probes of both points are grouped together (stats_repeat_regimes()),
 *     and the comparison uses the shared regime with the most repeats on
 *     both sides, medians and intervals recomputed from those repeats. Two
 *     points that never shared a regime are "not comparable".
 *  2. Same machine speed. On one machine (same hostname and CPU model), when
 *     the point's speed probes (fixed work on its CPUs) differ by more than
 *     MAX_SPEED_SHIFT between the runs, the machine, not the build, changed:
 *     "not comparable".
 *     Likewise when other processes took a different share of the point's
 *     CPUs in the two runs (per_repeat[].foreign_share, medians more than
 *     MAX_FOREIGN_SHIFT apart) or more than MAX_FOREIGN in either.
 *  3. Enough repeats: both intervals reach MIN_CI_LEVEL (3 repeats), else
 *     "no CI".
 *  4. Disjoint intervals, and a ratio beyond the threshold (default
 *     DEFAULT_THRESHOLD: above the between-run shifts seen in A/A pairs,
 *     well below the 2x a real change must show), widened by the speed
 *     shift the probes saw between the runs.
 *
 * Otherwise "within noise" (overlap does not prove "the same"). A failed
 * point on either side gets "failed", never a ratio.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "plotting.h"
#include "stats.h"

/* The smallest difference called by default, a fraction (see above). */
#define DEFAULT_THRESHOLD 0.30
#define DEFAULT_THRESHOLD_TEXT "30"
/* The confidence both intervals must reach (3 repeats: 75 %). */
#define MIN_CI_LEVEL 0.75
/* Speed probes further apart than this: the machine changed. */
#define MAX_SPEED_SHIFT 1.25
/* Other load on the point's CPUs (median share over its repeats): more than
 * this apart between the runs, or over MAX_FOREIGN in either, and the other
 * processes, not the builds, set the figures. */
#define MAX_FOREIGN_SHIFT 0.25
#define MAX_FOREIGN 0.75

static const char compare_usage[] =
	"Usage: contend compare BASE.json NEW.json [--threshold PCT] [-o DIR]\n"
	"                       [--format png|svg|pdf]\n\n"
	"Match the points of two results files by lock, threads, cs, ncs, pin,\n"
	"permits, nlocks and cs_lines, and print NEW/BASE median throughput per\n"
	"point with a verdict: faster or slower when the two confidence intervals\n"
	"(each at least 75%, i.e. 3 repeats) do not overlap and the ratio differs\n"
	"from 1 by at least PCT percent (more when the machine's speed probes moved\n"
	"between the runs), else within noise. Repeats are compared within the\n"
	"placement regime (cache-line round trip) both runs saw; points that never\n"
	"shared one, whose machine speed differs by over 25%, or whose CPUs other\n"
	"processes loaded differently (25 points) or over 75%, are not\n"
	"comparable. Ends with the geometric mean of the ratios per lock and the\n"
	"count of each verdict. Points found in only one file are listed. Failed\n"
	"points get no ratio.\n\n"
	"Options:\n"
	"  -t, --threshold PCT  smallest difference called faster/slower (default\n"
	"                       " DEFAULT_THRESHOLD_TEXT ": two runs of the same build differ by up to\n"
	"                       ~25% here)\n"
	"  -o, --output DIR     also write overlay charts of both files, the table\n"
	"                       (compare.txt) and compare.tsv into DIR\n"
	"  -f, --format FMT     chart format with -o: png (default), svg or pdf\n"
	"  -h, --help           show this help\n";

enum verdict { V_FASTER, V_SLOWER, V_NOISE, V_NO_CI, V_FAILED, V_NOT_COMPARABLE, V_COUNT };

static const char *const verdict_words[] = {
	[V_FASTER] = "faster", [V_SLOWER] = "slower", [V_NOISE] = "within noise",
	[V_NO_CI] = "no CI", [V_FAILED] = "failed", [V_NOT_COMPARABLE] = "not comparable",
};

/* The throughput a side is judged on: the file's summary, or the repeats of
 * one regime. */
struct side {
	double median, low, high, level;
	size_t repeats;
};

struct match {
	const struct result_point *base, *new;
	struct side s[2];      /* BASE, NEW as judged */
	double ratio;          /* NaN when a side failed */
	enum verdict verdict;
	const char *failed_side;
	char note[96];         /* why not comparable, or the regime used */
	const struct results_file *base_file, *new_file;
	double speed_shift;    /* >= 1: speed probes NEW vs BASE (1: not known) */
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

static void side_from_file(const struct result_point *p, struct side *s)
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
			      struct side *s)
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
static bool choose_sides(struct match *m)
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
	if (same_machine && m->speed_shift > MAX_SPEED_SHIFT) {
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
	    (fabs(fo[0] - fo[1]) > MAX_FOREIGN_SHIFT || fo[0] > MAX_FOREIGN || fo[1] > MAX_FOREIGN)) {
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

static enum verdict judge(struct match *m, double threshold)
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
	bool comparable = choose_sides(m);
	const struct side *sb = &m->s[0], *sn = &m->s[1];
	/* A BASE that made no progress has no finite ratio; the intervals can
	 * still tell whether NEW did better. */
	m->ratio = sb->median > 0 ? sn->median / sb->median : NAN;
	if (!comparable)
		return V_NOT_COMPARABLE;
	if (sb->level < MIN_CI_LEVEL || sn->level < MIN_CI_LEVEL ||
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

struct comparison {
	struct plot_input in[2];
	struct match *m;
	size_t nm;
	const struct result_point **only[2];
	size_t nonly[2];
	double threshold;      /* fraction */
};

static void compare_points(struct comparison *c)
{
	const struct results_file *b = c->in[0].file, *n = c->in[1].file;
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
		struct match *m = &c->m[c->nm++];
		m->base = &b->points[i];
		m->new = &n->points[j];
		m->base_file = b;
		m->new_file = n;
		m->verdict = judge(m, c->threshold);
	}
	for (size_t j = 0; j < n->npoints; j++)
		if (!used[j])
			c->only[1][c->nonly[1]++] = &n->points[j];
	free(used);
}

/* Extra key columns only when some point uses a non-default value. */
struct columns {
	int lock_w, pin_w;
	bool permits, nlocks, cs_lines;
};

static void size_columns(const struct comparison *c, struct columns *col)
{
	col->lock_w = 4;
	col->pin_w = 3;
	for (int s = 0; s < 2; s++) {
		const struct results_file *f = c->in[s].file;
		for (size_t i = 0; i < f->npoints; i++) {
			const struct result_point *p = &f->points[i];
			int lw = (int)strlen(p->lock), pw = (int)strlen(p->pin);

			col->lock_w = lw > col->lock_w ? lw : col->lock_w;
			col->pin_w = pw > col->pin_w ? pw : col->pin_w;
			col->permits |= p->permits != 1;
			col->nlocks |= p->nlocks != 1;
			col->cs_lines |= p->cs_lines != 1;
		}
	}
}

static void print_key(FILE *out, const struct columns *col, const struct result_point *p)
{
	fprintf(out, "%-*s %7ld %8g %8g  %-*s", col->lock_w, p->lock, p->threads, p->cs_ns,
		p->ncs_ns, col->pin_w, p->pin);
	if (col->permits)
		fprintf(out, " %7ld", p->permits);
	if (col->nlocks)
		fprintf(out, " %6ld", p->nlocks);
	if (col->cs_lines)
		fprintf(out, " %5ld", p->cs_lines);
}

static void tput_cell(const struct result_point *p, const struct side *s, char *buf, size_t len)
{
	char med[16], lo[16], hi[16];

	if (p->failed) {
		snprintf(buf, len, "failed (%ld violations)", p->violations);
		return;
	}
	fmt_si(s->median, med, sizeof(med));
	fmt_si(s->low, lo, sizeof(lo));
	fmt_si(s->high, hi, sizeof(hi));
	if (s->level > 0)
		snprintf(buf, len, "%s [%s, %s] %.0f%%", med, lo, hi, 100 * s->level);
	else
		snprintf(buf, len, "%s [%s, %s] –", med, lo, hi);
}

static void print_table(FILE *out, const struct comparison *c)
{
	struct columns col = { 0 };
	char cell[2][80], ratio[16];

	size_columns(c, &col);
	for (int s = 0; s < 2; s++)
		fprintf(out, "%-4s  %s: %s, %s%s\n", s ? "NEW" : "BASE", c->in[s].file->path,
			c->in[s].label, c->in[s].file->timestamp,
			c->in[s].file->complete ? "" : " (incomplete sweep)");
	fprintf(out, "verdict: faster/slower when the CIs of the medians (level >= %.0f%%) do not "
		"overlap and the ratio differs by >= %g%% (times the machine's speed shift); "
		"else within noise.\n"
		"Repeats are compared within the placement regime both runs shared; not "
		"comparable when none was shared, the machine's speed moved > %.0f%%, or\n"
		"other processes took %.0f points more of the point's CPUs in one run, or over "
		"%.0f%% in either.\n\n",
		100 * MIN_CI_LEVEL, c->threshold * 100, 100 * (MAX_SPEED_SHIFT - 1),
		100 * MAX_FOREIGN_SHIFT, 100 * MAX_FOREIGN);

	fprintf(out, "%-*s %7s %8s %8s  %-*s", col.lock_w, "LOCK", "THREADS", "CS_NS", "NCS_NS",
		col.pin_w, "PIN");
	if (col.permits)
		fprintf(out, " %7s", "PERMITS");
	if (col.nlocks)
		fprintf(out, " %6s", "NLOCKS");
	if (col.cs_lines)
		fprintf(out, " %5s", "LINES");
	fprintf(out, "  %-30s %-30s %8s  %s\n", "BASE acq/s [CI] level", "NEW acq/s [CI] level",
		"NEW/BASE", "VERDICT");
	for (size_t i = 0; i < c->nm; i++) {
		const struct match *m = &c->m[i];

		print_key(out, &col, m->base);
		tput_cell(m->base, &m->s[0], cell[0], sizeof(cell[0]));
		tput_cell(m->new, &m->s[1], cell[1], sizeof(cell[1]));
		fmt_num(m->ratio, "%.3f", ratio, sizeof(ratio));
		/* the en dash of "no level" is 3 bytes, 1 column */
		fprintf(out, "  %-*s %-*s %8s  %s", 30 + 2 * !!strstr(cell[0], "–"), cell[0],
			30 + 2 * !!strstr(cell[1], "–"), cell[1], ratio, verdict_words[m->verdict]);
		if (m->verdict == V_FAILED)
			fprintf(out, " (%s)", m->failed_side);
		else if (m->note[0])
			fprintf(out, " (%s)", m->note);
		fputc('\n', out);
	}
	if (c->nm == 0)
		fprintf(out, "(no point is in both files)\n");

	for (int s = 0; s < 2; s++) {
		if (!c->nonly[s])
			continue;
		fprintf(out, "\nonly in %s (%zu point%s, not compared):\n", s ? "NEW" : "BASE",
			c->nonly[s], c->nonly[s] == 1 ? "" : "s");
		for (size_t i = 0; i < c->nonly[s]; i++) {
			char key[256];
			result_point_key_str(c->only[s][i], key, sizeof(key));
			fprintf(out, "  %s\n", key);
		}
	}

	/* Per lock, in order of first appearance in BASE. */
	fprintf(out, "\nper lock: geometric mean of NEW/BASE over the points in both files "
		"(failed points have no ratio)\n");
	fprintf(out, "%-*s %6s %8s %7s %7s %13s %6s %7s %15s\n", col.lock_w, "LOCK", "POINTS",
		"GEOMEAN", "FASTER", "SLOWER", "WITHIN_NOISE", "NO_CI", "FAILED",
		"NOT_COMPARABLE");
	for (size_t pass = 0; pass <= c->nm; pass++) {
		/* pass < nm: the lock of match `pass` if first seen there; pass ==
		 * nm: all locks together. */
		const char *lock = pass < c->nm ? c->m[pass].base->lock : NULL;
		size_t counts[V_COUNT] = { 0 }, n = 0, points = 0;
		double logsum = 0;
		bool seen = false;

		for (size_t q = 0; lock && q < pass; q++)
			seen |= strcmp(c->m[q].base->lock, lock) == 0;
		if (seen || (pass == c->nm && c->nm == 0))
			continue;
		for (size_t q = 0; q < c->nm; q++) {
			const struct match *m = &c->m[q];
			if (lock && strcmp(m->base->lock, lock) != 0)
				continue;
			counts[m->verdict]++;
			points++;
			if (isfinite(m->ratio) && m->ratio > 0) {
				logsum += log(m->ratio);
				n++;
			}
		}
		char gm[16];
		fmt_num(n ? exp(logsum / (double)n) : NAN, "%.3f", gm, sizeof(gm));
		fprintf(out, "%-*s %6zu %8s %7zu %7zu %13zu %6zu %7zu %15zu\n", col.lock_w,
			lock ? lock : "(all)", points, gm, counts[V_FASTER], counts[V_SLOWER],
			counts[V_NOISE], counts[V_NO_CI], counts[V_FAILED],
			counts[V_NOT_COMPARABLE]);
	}
}

static int write_tsv(const char *path, const struct comparison *c)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "lock\tthreads\tcs_ns\tncs_ns\tpin\tpermits\tnlocks\tcs_lines\t"
		"base_throughput\tbase_ci_low\tbase_ci_high\tbase_status\t"
		"new_throughput\tnew_ci_low\tnew_ci_high\tnew_status\tratio\tverdict\tnote\t"
		"base_ci_level\tnew_ci_level\n");
	for (size_t i = 0; i < c->nm; i++) {
		const struct match *m = &c->m[i];
		const struct result_point *p = m->base;
		const struct result_point *side[2] = { m->base, m->new };

		fprintf(f, "%s\t%ld\t%.10g\t%.10g\t%s\t%ld\t%ld\t%ld", p->lock, p->threads,
			p->cs_ns, p->ncs_ns, p->pin, p->permits, p->nlocks, p->cs_lines);
		for (int s = 0; s < 2; s++) {
			const double v[3] = { m->s[s].median, m->s[s].low, m->s[s].high };
			for (int k = 0; k < 3; k++)
				isnan(v[k]) ? fputs("\tNaN", f) : fprintf(f, "\t%.10g", v[k]);
			fprintf(f, "\t%s", side[s]->failed ? "failed" : "ok");
		}
		isnan(m->ratio) ? fputs("\tNaN", f) : fprintf(f, "\t%.6g", m->ratio);
		/* the interval's columns are named by what they are: the level
		 * its order statistics reached (0: no interval), not 95 % */
		fprintf(f, "\t%s\t%s\t%.6g\t%.6g\n", verdict_words[m->verdict], m->note,
			m->s[0].level, m->s[1].level);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int write_outputs(const char *outdir, struct comparison *c, enum plot_format fmt)
{
	struct plot_request req = { .format = fmt, .x = AXIS_THREADS, .cs_chart = true,
				    .heatmap = true };
	struct staged_dir sd;
	struct chart_set set = { 0 };
	char err[PATH_MAX + 256], path[PATH_MAX];
	int rc = -1;

	if (plot_find_gnuplot(path, sizeof(path), err, sizeof(err)) ||
	    plot_find_templates(path, sizeof(path), err, sizeof(err)) ||
	    staged_dir_begin(&sd, outdir, err, sizeof(err))) {
		cli_error("%s", err);
		return -1;
	}
	if (plot_charts(sd.tmp, c->in, 2, &req, &set, err, sizeof(err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/compare.tsv", sd.tmp);
	if (write_tsv(path, c)) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/compare.txt", sd.tmp);
	FILE *txt = fopen(path, "w");
	if (!txt) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	print_table(txt, c);
	if (fclose(txt) != 0) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (staged_dir_commit(&sd, err, sizeof(err)))
		goto fail;
	printf("\n%zu charts, compare.txt and compare.tsv in %s\n", set.n, sd.target);
	for (size_t i = 0; i < set.nnotes; i++)
		fprintf(stderr, "%s: note: %s\n", cli_progname, set.notes[i]);
	rc = 0;
	staged_dir_abort(&sd);
	chart_set_free(&set);
	return rc;
fail:
	cli_error("%s", err);
	staged_dir_abort(&sd);
	chart_set_free(&set);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct comparison c = { .threshold = DEFAULT_THRESHOLD };
	enum plot_format fmt = PLOT_PNG;
	const char *outdir = NULL;
	char err[1024], *end;
	int opt, rc = 1;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":t:o:f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			errno = 0;
			c.threshold = strtod(optarg, &end) / 100;
			if (errno || end == optarg || *end || !(c.threshold >= 0) ||
			    isinf(c.threshold)) {
				cli_usage_error("--threshold: '%s' is not a percentage >= 0", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o': outdir = optarg; break;
		case 'f':
			if (plot_parse_format(optarg, &fmt)) {
				cli_usage_error("--format: '%s' is not png, svg or pdf", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': fputs(compare_usage, stdout); return 0;
		default:
			return cli_bad_option(opt, argv);
		}
	}
	if (argc - optind != 2) {
		cli_usage_error("give two results files, BASE and NEW (try 'contend compare --help')");
		return EXIT_USAGE;
	}
	if (plot_load_inputs(c.in, argv + optind, 2, err, sizeof(err))) {
		cli_error("%s", err);
		goto out;
	}
	/* In the charts, say which side a curve is. */
	for (int s = 0; s < 2; s++) {
		char legend[sizeof(c.in[s].legend)];
		snprintf(legend, sizeof(legend), "%s", c.in[s].legend);
		snprintf(c.in[s].legend, sizeof(c.in[s].legend), "%s: %.100s", s ? "NEW" : "BASE",
			 legend);
	}
	compare_points(&c);
	print_table(stdout, &c);
	rc = 0;
	if (outdir && write_outputs(outdir, &c, fmt))
		rc = 1;
out:
	for (int s = 0; s < 2; s++)
		results_free(c.in[s].file);
	free(c.m);
	free(c.only[0]);
	free(c.only[1]);
	return rc;
}
