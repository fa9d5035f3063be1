/*
 * plot_charts.c - the gnuplot driver of each chart (its data, series and
 * settings; the look is in plots/) and plot_charts(), which writes every
 * chart of a request (see plotting.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "plot_internal.h"

/* ------------------------------------------------------------------------ */
/* Charts                                                                    */

/* One kind of line chart; plots/chart.gp draws them all from these
 * settings. */
struct chart_kind {
	const char *stem;       /* image file name start */
	const char *what;       /* title words */
	enum col col;
	bool may_log;           /* log y when the values span a wide range */
	const char *ylabel;
	bool errorbars;         /* the CI of the median (throughput only); the
	                           label then names the level the data reached */
	const char *range;      /* y range on a linear axis, "" for gnuplot's own */
	const char *fmt_lin;    /* y tic format on a linear axis, "" for the default */
	const char *fmt_any;    /* y tic format on either axis, "" for the default */
};

static const struct chart_kind chart_kinds[] = {
	/* Median over repeats of acquisitions/s, all threads together. */
	{ "throughput", "Throughput", COL_TPUT, true,
	  "throughput (acquisitions/s, median", true, "[0:*]", "%.2s%c", "" },
	/* Jain's index over per-thread acquisitions: 1 fair, 1/n one thread took all. */
	{ "fairness", "Jain's fairness", COL_JAIN, false,
	  "Jain's fairness index (1 = fair, 1/n = one thread took all)", false, "[0:1.05]", "", "" },
	/* Time spent in lock(), merged over threads and repeats (sampled). */
	{ "latency-p99", "p99 acquire latency", COL_P99, true,
	  "p99 acquire latency (ns)", false, "[0:*]", "", "" },
	/* getrusage(RUSAGE_THREAD), voluntary + involuntary; plain numbers:
	 * SI prefixes would print 1e-3 as "1m", easily misread. */
	{ "csw", "Context switches per acquisition", COL_CSW, true,
	  "context switches per acquisition (voluntary + involuntary)", false, "[0:*]", "", "%g" },
	/* TSC cycles of the window times threads over acquisitions: the CPU
	 * time the system pays per hand-over. */
	{ "cycles", "Cycles per acquisition", COL_CYCLES, true,
	  "TSC cycles per acquisition (window x threads / acquisitions)", false, "[0:*]", "", "" },
};

static int cmp_double_ptr(const void *a, const void *b)
{
	return plot_cmp_double(*(const double *)a, *(const double *)b);
}

/* "(1,2,4,8)": tics at the measured x values when there are few of them. */
static void write_xtics(FILE *f, const struct series *s, size_t ns, enum dim xd, int logx)
{
	double xs[16];
	size_t nx = 0;

	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].n; j++) {
			double x = plot_dim_x(s[i].pts[j], xd);
			size_t q = 0;

			while (q < nx && xs[q] != x)
				q++;
			if (q < nx)
				continue;
			if (nx == sizeof(xs) / sizeof(xs[0])) {
				fputs("xtics_list = ''\n", f);   /* too many: gnuplot's own */
				return;
			}
			xs[nx++] = x;
		}
	if (xd != D_THREADS && !logx) {
		fputs("xtics_list = ''\n", f);
		return;
	}
	qsort(xs, nx, sizeof(xs[0]), cmp_double_ptr);
	fputs("xtics_list = '(", f);
	for (size_t q = 0; q < nx; q++)
		fprintf(f, "%s%g", q ? "," : "", xs[q]);
	fputs(")'\n", f);
}

/* Shade threads beyond each machine's CPU count (x = threads only). */
static void write_oversubscription(FILE *f, const struct plot_ctx *c, const struct series *s,
				   size_t ns, enum dim xd)
{
	long from[16];
	char text[16][256];
	size_t n = 0;
	bool ringed = false, distinct_cpus = false;

	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].file->cpus != c->in[0].file->cpus)
			distinct_cpus = true;
	for (size_t i = 0; i < ns; i++) {
		const struct plot_input *in = &c->in[s[i].input];
		bool over = false;

		for (size_t j = 0; j < s[i].n; j++)
			over |= s[i].pts[j]->oversubscribed;
		ringed |= over;
		if (!over || xd != D_THREADS)
			continue;
		size_t q = 0;
		while (q < n && from[q] != in->file->cpus)
			q++;
		if (q == n && n < sizeof(from) / sizeof(from[0])) {
			from[n] = in->file->cpus;
			/* Several machines with different CPU counts: say whose. */
			if (distinct_cpus)
				snprintf(text[n], sizeof(text[n]), "oversubscribed: %s", in->legend);
			else
				snprintf(text[n], sizeof(text[n]), "oversubscribed (> %ld CPUs)",
					 in->file->cpus);
			n++;
		}
	}
	fprintf(f, "has_over_points = %d\nn_over = %zu\n", ringed, n);
	if (n) {
		fprintf(f, "array over_from[%zu]\narray over_text[%zu]\n", n, n);
		for (size_t q = 0; q < n; q++) {
			fprintf(f, "over_from[%zu] = %ld; over_text[%zu] = ", q + 1, from[q], q + 1);
			plot_gp_string(f, text[q]);
			fputc('\n', f);
		}
	}
}

/* A red cross with the series' name for every failed point, stacked
 * upwards where several fail at the same x. */
static void write_failed(FILE *f, const struct series *s, size_t ns, enum dim xd)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].n; j++)
			n += s[i].pts[j]->failed;
	fprintf(f, "n_failed = %zu\n", n);
	if (!n)
		return;
	fprintf(f, "array failed_x[%zu]\narray failed_y[%zu]\narray failed_text[%zu]\n", n, n, n);
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].n; j++) {
			const struct result_point *p = s[i].pts[j];
			size_t below = 0;

			if (!p->failed)
				continue;
			/* Earlier failures at the same x sit below this one. */
			for (size_t i2 = 0; i2 <= i; i2++)
				for (size_t j2 = 0; j2 < s[i2].n && !(i2 == i && j2 >= j); j2++)
					below += s[i2].pts[j2]->failed &&
						 plot_dim_x(s[i2].pts[j2], xd) == plot_dim_x(p, xd);
			k++;
			fprintf(f, "failed_x[%zu] = %.10g; failed_y[%zu] = %.3f; failed_text[%zu] = ",
				k, plot_dim_x(p, xd), k, 0.05 + 0.06 * (double)below, k);
			char text[300];
			snprintf(text, sizeof(text), "%s failed", s[i].title);
			plot_gp_string(f, text);
			fputc('\n', f);
		}
}

/* Write the driver of one chart and register it; 0 = written, 1 = nothing
 * measured to draw (a note says so), -1 = error. */
static int write_chart(struct plot_ctx *c, const struct chart_kind *k, enum dim xd,
		       const struct series *s_all, const size_t *sel, size_t ns,
		       const char *suffix, const char *tsv, const char *workload,
		       char *err, size_t errlen)
{
	/* The series of this chart, in a row; sel[i] is series i's block in
	 * the group's TSV. */
	struct series *s = xcalloc(ns, sizeof(*s));
	for (size_t i = 0; i < ns; i++)
		s[i] = s_all[sel[i]];
	static const char *const xword[] = { [D_THREADS] = "threads", [D_CS] = "critical section length",
					     [D_NCS] = "non-critical section length" };
	static const char *const xlabel[] = { [D_THREADS] = "threads",
					      [D_CS] = "critical section length (ns)",
					      [D_NCS] = "non-critical section length (ns)" };
	const char *axis = xd == D_THREADS ? "threads" : xd == D_CS ? "cs" : "ncs";
	char machines[1024], title[1024], full[2100];
	size_t *blk = xcalloc(ns, sizeof(*blk)), nb = 0;
	double ymin = INFINITY, ymax = -INFINITY, xmin = INFINITY, xmax = -INFINITY;

	for (size_t i = 0; i < ns; i++) {
		bool finite = false;

		for (size_t j = 0; j < s[i].n; j++) {
			const struct result_point *p = s[i].pts[j];
			double v = plot_column_value(p, k->col);

			xmin = fmin(xmin, plot_dim_x(p, xd));
			xmax = fmax(xmax, plot_dim_x(p, xd));
			if (isnan(v))
				continue;
			finite = true;
			ymin = fmin(ymin, v);
			ymax = fmax(ymax, v);
			if (k->col == COL_TPUT) {
				ymin = fmin(ymin, p->tput_ci_low);   /* fmin ignores NaN */
				ymax = fmax(ymax, p->tput_ci_high);
			}
		}
		/* A series with nothing to draw would only make gnuplot warn. */
		if (finite)
			blk[nb++] = i;
	}

	char *image = xasprintf("%s-vs-%s%s.%s", k->stem, axis, suffix,
				plot_format_ext(c->req->format));
	snprintf(title, sizeof(title), "%s vs %s: %s", k->what, xword[xd], workload);
	if (nb == 0) {
		plot_add_note(c->out, xasprintf("%s not drawn: no point has a measured value (%s vs %s, %s)",
					   image, k->what, xword[xd], workload));
		free(image);
		free(blk);
		free(s);
		return 1;
	}

	char *driver = xasprintf("%s-vs-%s%s.gp", k->stem, axis, suffix);
	char *dpath = xasprintf("%s/%s", c->dir, driver);
	FILE *f = fopen(dpath, "w");
	if (!f) {
		seterr(err, errlen, "%s: %s", dpath, strerror(errno));
		free(image);
		free(driver);
		free(dpath);
		free(blk);
		free(s);
		return -1;
	}
	free(dpath);
	fprintf(f, "# Driver of one contend chart: its data and settings; the look is in\n"
		"# the template loaded at the end, beside this file. `gnuplot %s`\n"
		"# redraws it, from this directory or from anywhere else.\n", driver);
	plot_gp_here(f);
	plot_gp_set_str(f, "fmt", plot_format_ext(c->req->format));
	plot_gp_set_str(f, "outfile", image);
	plot_gp_set_str(f, "datafile", tsv);
	plot_machines_words(c, machines, sizeof(machines));
	snprintf(full, sizeof(full), "%s\n%s", title, machines);
	plot_gp_set_str(f, "chart_title", full);
	plot_gp_set_str(f, "xlabel", xlabel[xd]);
	if (k->errorbars) {
		/* The confidence the drawn intervals reached: 5 repeats give
		 * 93.75%, 6 give 96.9%, one gives none. */
		double lo = INFINITY, hi = -INFINITY;
		for (size_t i = 0; i < nb; i++)
			for (size_t j = 0; j < s[blk[i]].n; j++) {
				double l = s[blk[i]].pts[j]->tput_ci_level;
				if (isfinite(l) && l > 0) {
					lo = fmin(lo, l);
					hi = fmax(hi, l);
				}
			}
		char label[200];
		if (!isfinite(lo))
			snprintf(label, sizeof(label), "%s; one repeat: no CI)", k->ylabel);
		else if (hi - lo < 1e-9)
			snprintf(label, sizeof(label), "%s, %.3g%% CI)", k->ylabel, 100 * lo);
		else
			snprintf(label, sizeof(label), "%s, %.3g-%.3g%% CI)", k->ylabel, 100 * lo,
				 100 * hi);
		plot_gp_set_str(f, "ylabel", label);
	} else {
		plot_gp_set_str(f, "ylabel", k->ylabel);
	}
	fprintf(f, "col_x = %d; col_y = %d; col_over = %d\ncol_lo = %d; col_hi = %d\n",
		COL_X, k->col, COL_OVER, k->errorbars ? COL_TPUT_LO : 0,
		k->errorbars ? COL_TPUT_HI : 0);

	fprintf(f, "nseries = %zu\narray blk[%zu]\narray titles[%zu]\n"
		"array lock_idx[%zu]\narray machine_idx[%zu]\n", nb, nb, nb, nb, nb);
	for (size_t i = 0; i < nb; i++) {
		const struct series *se = &s[blk[i]];

		fprintf(f, "blk[%zu] = %zu; lock_idx[%zu] = %zu; machine_idx[%zu] = %zu; titles[%zu] = ",
			i + 1, sel[blk[i]], i + 1, c->looks[se->lock] + 1, i + 1, se->input + 1, i + 1);
		plot_gp_string(f, se->title);
		fputc('\n', f);
	}

	/* Log x for doubling thread counts or decades of ns; log y when the
	 * figures span more than ~2 decades, so that collapsed locks stay
	 * readable next to fast ones. */
	int logx = 0;
	if (xd == D_THREADS && xmin >= 1 && xmax / xmin >= 8)
		logx = 2;
	else if (xd != D_THREADS && xmin > 0 && xmax / xmin >= 10)
		logx = 10;
	int logy = k->may_log && ymin > 0 && ymax / ymin > 50;
	fprintf(f, "logx = %d\nlogy = %d\n", logx, logy);
	plot_gp_set_str(f, "y_range", logy ? "" : k->range);
	plot_gp_set_str(f, "y_format", k->fmt_any[0] ? k->fmt_any : logy ? "" : k->fmt_lin);
	write_xtics(f, s, ns, xd, logx);
	write_oversubscription(f, c, s, ns, xd);
	write_failed(f, s, ns, xd);
	fputs("load plotsdir.'/chart.gp'\nset output\n", f);
	if (fclose(f) != 0) {
		seterr(err, errlen, "%s/%s: %s", c->dir, driver, strerror(errno));
		free(image);
		free(driver);
		free(blk);
		free(s);
		return -1;
	}

	plot_add_driver(c, driver);
	plot_add_chart(c->out, image, tsv, xasprintf("%s", title));
	free(blk);
	free(s);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* One family per chart                                                      */

/* Most series a chart draws; a family with more locks splits. */
#define MAX_SERIES 8

enum family { F_SPIN, F_QUEUE, F_SLEEP, F_BASELINE, F_OTHER, F_COUNT };

static const char *const family_stem[F_COUNT] = { "spin", "queue", "sleeping", "baseline", "other" };
static const char *const family_words[F_COUNT] = {
	"spinlocks", "queue locks", "sleeping and hybrid locks", "baselines and peers",
	"other locks"
};

/* The family of a lock from the registry; a lock this contend does not
 * know (a file from another version) is "other". */
static enum family lock_family_of(const char *name)
{
	const struct lock_desc *d = lock_find(name);

	if (!d)
		return F_OTHER;
	if (d->family == LOCK_FAMILY_BASELINE || (d->props & LOCK_PEER))
		return F_BASELINE;
	switch (d->family) {
	case LOCK_FAMILY_SPIN: return F_SPIN;
	case LOCK_FAMILY_QUEUE: return F_QUEUE;
	case LOCK_FAMILY_SLEEP:
	case LOCK_FAMILY_HYBRID: return F_SLEEP;
	default: return F_OTHER;
	}
}

/* Geometric mean throughput of a series (its measured points), NaN if none. */
static double series_score(const struct series *s)
{
	double sum = 0;
	size_t n = 0;

	for (size_t j = 0; j < s->n; j++)
		if (!s->pts[j]->failed && s->pts[j]->tput > 0) {
			sum += log(s->pts[j]->tput);
			n++;
		}
	return n ? exp(sum / (double)n) : NAN;
}

static int write_kinds(struct plot_ctx *c, const struct chart_kind *kinds, size_t nkinds,
		       enum dim xd, const struct series *s, const size_t *sel, size_t nsel,
		       const char *suffix, const char *tsv, const char *workload,
		       char *err, size_t errlen)
{
	for (size_t k = 0; k < nkinds; k++)
		if (write_chart(c, &kinds[k], xd, s, sel, nsel, suffix, tsv, workload, err, errlen) < 0)
			return -1;
	return 0;
}

/*
 * The charts of one group. Up to MAX_SERIES series share a chart; beyond
 * that, one chart per lock family (split in parts past MAX_SERIES), and an
 * overview of each family's best lock (highest geometric mean throughput
 * over the group). A lock keeps its colour and marker (lock_idx) in all.
 */
static int render_group(struct plot_ctx *c, const struct chart_kind *kinds, size_t nkinds,
			enum dim xd, const struct series *s, size_t ns, const char *suffix,
			const char *tsv, const char *workload, char *err, size_t errlen)
{
	size_t *sel = xcalloc(ns, sizeof(*sel)), nsel = 0;
	int rc = 0;

	if (ns <= MAX_SERIES) {
		for (size_t i = 0; i < ns; i++)
			sel[i] = i;
		rc = write_kinds(c, kinds, nkinds, xd, s, sel, ns, suffix, tsv, workload, err, errlen);
		free(sel);
		return rc;
	}
	size_t *best = xcalloc(c->nlocks, sizeof(*best)), nbest = 0;
	for (enum family fam = 0; fam < F_COUNT && rc == 0; fam++) {
		/* Its series, lock by lock (a lock's machines side by side). */
		size_t top = SIZE_MAX;
		double top_score = -INFINITY;

		nsel = 0;
		for (size_t l = 0; l < c->nlocks; l++) {
			if (lock_family_of(c->locks[l]) != fam)
				continue;
			for (size_t i = 0; i < ns; i++) {
				if (s[i].lock != l)
					continue;
				sel[nsel++] = i;
				double sc = series_score(&s[i]);
				if (sc > top_score) {
					top_score = sc;
					top = l;
				}
			}
		}
		if (nsel == 0)
			continue;
		if (top != SIZE_MAX)
			best[nbest++] = top;
		size_t parts = (nsel + MAX_SERIES - 1) / MAX_SERIES;
		for (size_t part = 0; part < parts && rc == 0; part++) {
			size_t from = part * nsel / parts, to = (part + 1) * nsel / parts;
			char *sfx = parts > 1 ? xasprintf("%s-%s%zu", suffix, family_stem[fam], part + 1)
					      : xasprintf("%s-%s", suffix, family_stem[fam]);
			char *words = parts > 1 ? xasprintf("%s; %s, part %zu of %zu", workload,
							    family_words[fam], part + 1, parts)
						: xasprintf("%s; %s", workload, family_words[fam]);
			rc = write_kinds(c, kinds, nkinds, xd, s, sel + from, to - from, sfx, tsv,
					 words, err, errlen);
			free(sfx);
			free(words);
		}
	}
	/* The overview: throughput only, each family's best lock. */
	nsel = 0;
	for (size_t b = 0; b < nbest; b++)
		for (size_t i = 0; i < ns && nsel < MAX_SERIES; i++)
			if (s[i].lock == best[b])
				sel[nsel++] = i;
	if (rc == 0 && nbest > 1) {
		char *sfx = xasprintf("%s-best", suffix);
		char *words = xasprintf("%s; the best lock of each family", workload);
		rc = write_kinds(c, kinds, 1, xd, s, sel, nsel, sfx, tsv, words, err, errlen);
		free(sfx);
		free(words);
	}
	free(best);
	free(sel);
	return rc;
}

static unsigned sort_group_mask;

static int cmp_group(const void *a, const void *b)
{
	return plot_group_cmp(*(const struct result_point *const *)a,
			 *(const struct result_point *const *)b, sort_group_mask);
}

/* Every chart of the kinds given, with XD on the x axis, one set per group. */
static int render_axis(struct plot_ctx *c, enum dim xd, unsigned vary,
		       const struct chart_kind *kinds, size_t nkinds, char *err, size_t errlen)
{
	const char *axis = xd == D_THREADS ? "threads" : xd == D_CS ? "cs" : "ncs";
	unsigned gmask = vary & ~(1u << xd);
	const struct result_point **reps = xcalloc(c->nrefs, sizeof(*reps));
	size_t nreps = 0;
	int rc = 0;

	for (size_t r = 0; r < c->nrefs; r++) {
		size_t q = 0;
		while (q < nreps && plot_group_cmp(reps[q], c->refs[r].p, gmask) != 0)
			q++;
		if (q == nreps)
			reps[nreps++] = c->refs[r].p;
	}
	sort_group_mask = gmask;
	qsort(reps, nreps, sizeof(*reps), cmp_group);

	for (size_t g = 0; g < nreps && rc == 0; g++) {
		char suffix[256], workload[512];
		struct series *s;
		size_t ns = plot_build_series(c, reps[g], gmask, xd, &s);

		plot_group_suffix(reps[g], gmask, suffix, sizeof(suffix));
		plot_workload_words(c, reps[g], xd, workload, sizeof(workload));
		char *tsv = xasprintf("data-vs-%s%s.tsv", axis, suffix);
		char *tpath = xasprintf("%s/%s", c->dir, tsv);
		if (plot_write_group_tsv(tpath, s, ns, xd, workload)) {
			seterr(err, errlen, "%s: %s", tpath, strerror(errno));
			rc = -1;
		}
		if (rc == 0)
			rc = render_group(c, kinds, nkinds, xd, s, ns, suffix, tsv, workload, err, errlen);
		free(tsv);
		free(tpath);
		plot_free_series(s, ns);
	}
	free(reps);
	return rc;
}

int plot_charts(const char *dir, const struct plot_input *in, size_t nin,
		const struct plot_request *req, struct chart_set *out,
		char *err, size_t errlen)
{
	char templates[PATH_MAX], gnuplot[PATH_MAX];
	struct plot_ctx c = { .dir = dir, .in = in, .nin = nin, .req = req,
			      .templates = templates, .out = out };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (plot_find_gnuplot(gnuplot, sizeof(gnuplot), err, errlen) ||
	    plot_find_templates(templates, sizeof(templates), err, errlen))
		return -1;
	plot_collect(&c);
	if (c.nrefs == 0) {
		seterr(err, errlen, "no point to plot");
		goto out;
	}
	char *points = xasprintf("%s/points.tsv", dir);
	if (plot_write_points_tsv(points, &c)) {
		seterr(err, errlen, "%s: %s", points, strerror(errno));
		free(points);
		goto out;
	}
	free(points);

	unsigned vary = plot_varying_dims(&c);
	enum dim xd = plot_axis_dim(req->x);
	if (render_axis(&c, xd, vary, chart_kinds, sizeof(chart_kinds) / sizeof(chart_kinds[0]),
			err, errlen))
		goto out;
	if (req->cs_chart && xd == D_THREADS && (vary & (1u << D_CS)) &&
	    render_axis(&c, D_CS, vary, chart_kinds, 1, err, errlen))
		goto out;
	if (req->heatmap && plot_write_heatmaps(&c, err, errlen))
		goto out;
	if (c.ndrivers == 0) {
		seterr(err, errlen, "no chart has a measured value to draw");
		goto out;
	}
	if (plot_copy_templates(templates, dir, err, errlen) || plot_run_gnuplot(gnuplot, &c, err, errlen) || plot_check_images(&c, err, errlen))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < c.ndrivers; i++)
		free(c.drivers[i]);
	free(c.drivers);
	free(c.refs);
	free(c.locks);
	free(c.looks);
	return rc;
}
