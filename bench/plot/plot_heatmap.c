/*
 * plot_heatmap.c - locks x scenarios at a glance. Rows are locks, columns
 * the scenarios (every swept parameter but the lock: threads, cs, ...).
 *  - heatmap: colour = log10(throughput / the best lock's in that column),
 *    clamped at 1/1000; the throughput printed in each cell.
 *  - ratio heatmap (several inputs): colour = log2(NEW / BASE) of the same
 *    point on two machines or builds, clamped at 4x either way; the ratio
 *    printed in each cell. The first input is the base. This is the chart
 *    `compare -o` draws too (it asks plot_charts for heatmaps).
 * A failed point is a grey "failed" cell, never a figure; a missing or
 * unmeasured one is "-".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

/* Colours of the cell labels: light text on the dark end of the palettes. */
#define TEXT_DARK 0x000000
#define TEXT_LIGHT 0xffffff

struct grid {
	const struct result_point **cols;  /* one representative per column */
	size_t ncols;
	size_t *rows;                      /* lock indices (c->locks) */
	size_t nrows;
	unsigned mask;                     /* dimensions that make a column */
};

static unsigned col_mask;   /* for cmp_col(): qsort passes no context */

static int cmp_col(const void *a, const void *b)
{
	const struct result_point *pa = *(const struct result_point *const *)a;
	const struct result_point *pb = *(const struct result_point *const *)b;
	int r = (col_mask & (1u << D_CS)) ? plot_dim_cmp(pa, pb, D_CS) : 0;

	return r ? r : plot_group_cmp(pa, pb, col_mask);
}

void plot_heatmap_sort_cols(const struct result_point **cols, size_t n, unsigned mask)
{
	col_mask = mask;
	qsort(cols, n, sizeof(*cols), cmp_col);
}

const struct result_point *plot_heatmap_cell(const struct plot_ctx *c, size_t input, size_t lock,
					     const struct result_point *col, unsigned mask)
{
	for (size_t r = 0; r < c->nrefs; r++)
		if (c->refs[r].input == input && c->refs[r].lock == lock &&
		    plot_group_cmp(c->refs[r].p, col, mask) == 0)
			return c->refs[r].p;
	return NULL;
}

/* The columns and rows of the inputs in USE (a bitmask over c->in). */
static void build_grid(const struct plot_ctx *c, unsigned use, struct grid *g)
{
	g->mask = plot_varying_dims(c);
	g->cols = xcalloc(c->nrefs, sizeof(*g->cols));
	g->rows = xcalloc(c->nlocks, sizeof(*g->rows));
	g->ncols = g->nrows = 0;
	for (size_t r = 0; r < c->nrefs; r++) {
		size_t q = 0;

		if (!(use & (1u << c->refs[r].input)))
			continue;
		while (q < g->ncols && plot_group_cmp(g->cols[q], c->refs[r].p, g->mask) != 0)
			q++;
		if (q == g->ncols)
			g->cols[g->ncols++] = c->refs[r].p;
	}
	plot_heatmap_sort_cols(g->cols, g->ncols, g->mask);
	for (size_t l = 0; l < c->nlocks; l++)
		for (size_t r = 0; r < c->nrefs; r++)
			if (c->refs[r].lock == l && (use & (1u << c->refs[r].input))) {
				g->rows[g->nrows++] = l;
				break;
			}
}

/* "8 threads\ncs 100 ns": the column's parameters, one per line. */
void plot_heatmap_col_label(const struct result_point *p, unsigned mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	for (enum dim d = 0; d < D_COUNT; d++) {
		if (!(mask & (1u << d)))
			continue;
		if (n)
			ADD("\n");
		switch (d) {
		case D_THREADS: ADD("%ld thr", p->threads); break;
		case D_CS: ADD("cs %g", p->cs_ns); break;
		case D_NCS: ADD("ncs %g", p->ncs_ns); break;
		case D_PIN: ADD("%s", p->pin); break;
		case D_PERMITS: ADD("K=%ld", p->permits); break;
		case D_NLOCKS: ADD("%ld locks", p->nlocks); break;
		case D_CS_LINES: ADD("%ld lines", p->cs_lines); break;
		case D_COUNT: break;
		}
	}
	if (!n)
		ADD("all");
#undef ADD
}

static void file_stem(const char *legend, char *buf, size_t len)
{
	snprintf(buf, len, "%s", legend);
	for (char *s = buf; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			*s = '_';
}

int plot_heatmap_finish(struct plot_ctx *c, FILE *t, size_t drawn, const char *what,
			const char *stem, const char *title, bool ratio,
			const struct result_point *const *cols, size_t ncols, unsigned mask,
			const char *const *ylabels, size_t nrows, char *err, size_t errlen)
{
	char *tsv = xasprintf("%s.tsv", stem), *driver = xasprintf("%s.gp", stem);
	char *image = xasprintf("%s.%s", stem, plot_format_ext(c->req->format));
	char *tpath = xasprintf("%s/%s", c->dir, tsv), *dpath = xasprintf("%s/%s", c->dir, driver);
	FILE *f = NULL;
	int rc = -1;

	if (fclose(t) != 0) {
		t = NULL;
		goto io;
	}
	t = NULL;
	if (drawn == 0) {
		plot_add_note(c->out, xasprintf("%s not drawn: no %s has a measured throughput",
						image, what));
		rc = 0;
		goto out;
	}
	f = fopen(dpath, "w");
	if (!f)
		goto io;
	fprintf(f, "# Driver of one contend heatmap: its data and settings; the look is in\n"
		"# heatmap.gp, beside this file. `gnuplot %s` redraws it from anywhere.\n", driver);
	plot_gp_here(f);
	plot_gp_set_str(f, "fmt", plot_format_ext(c->req->format));
	plot_gp_set_str(f, "outfile", image);
	plot_gp_set_str(f, "datafile", tsv);
	plot_gp_set_str(f, "chart_title", title);
	fprintf(f, "ratio = %d\nncols = %zu\nnrows = %zu\n", ratio, ncols, nrows);
	/* Room for the row and column labels; cells ~80 x 26 px. */
	size_t width = 380 + 84 * (ncols < 5 ? 5 : ncols), height = 170 + 26 * nrows;
	fprintf(f, "width = %zu\nheight = %zu\n", width, height);
	fprintf(f, "array xlabels[%zu]\narray ylabels[%zu]\n", ncols, nrows);
	for (size_t x = 0; x < ncols; x++) {
		char lab[256];

		plot_heatmap_col_label(cols[x], mask, lab, sizeof(lab));
		fprintf(f, "xlabels[%zu] = ", x + 1);
		plot_gp_string(f, lab);
		fputc('\n', f);
	}
	for (size_t y = 0; y < nrows; y++) {
		fprintf(f, "ylabels[%zu] = ", y + 1);
		plot_gp_string(f, ylabels[y]);
		fputc('\n', f);
	}
	fputs("load plotsdir.'/heatmap.gp'\nset output\n", f);
	if (fclose(f) != 0) {
		f = NULL;
		goto io;
	}
	f = NULL;
	plot_add_driver(c, driver);
	driver = NULL;
	plot_add_chart(c->out, image, tsv, xasprintf("%s", title));
	c->out->charts[c->out->n - 1].heatmap = true;
	c->out->charts[c->out->n - 1].width = (int)width;
	c->out->charts[c->out->n - 1].height = (int)height;
	image = NULL;
	rc = 0;
	goto out;
io:
	seterr(err, errlen, "%s: %s", t || !f ? tpath : dpath, strerror(errno));
	if (t)
		fclose(t);
	if (f)
		fclose(f);
out:
	free(tsv);
	free(driver);
	free(image);
	free(tpath);
	free(dpath);
	return rc;
}

/*
 * One heatmap: base < 0 for throughput relative to the column's best on
 * input `input`, else NEW (input) / BASE (base). Writes its TSV and driver.
 */
static int heatmap(struct plot_ctx *c, size_t input, long base, const char *stem,
		   const char *title, char *err, size_t errlen)
{
	struct grid g;
	unsigned use = (1u << input) | (base >= 0 ? 1u << base : 0);
	char *tpath = xasprintf("%s/%s.tsv", c->dir, stem);
	FILE *t = NULL;
	size_t drawn = 0;
	int rc = -1;

	build_grid(c, use, &g);
	if (base >= 0) {
		/* Only what both inputs measured: columns and rows with a pair. */
		size_t nc = 0, nr = 0;

		for (size_t x = 0; x < g.ncols; x++) {
			bool pair = false;
			for (size_t y = 0; y < g.nrows && !pair; y++)
				pair = plot_heatmap_cell(c, input, g.rows[y], g.cols[x], g.mask) &&
				       plot_heatmap_cell(c, (size_t)base, g.rows[y], g.cols[x], g.mask);
			if (pair)
				g.cols[nc++] = g.cols[x];
		}
		g.ncols = nc;
		for (size_t y = 0; y < g.nrows; y++) {
			bool pair = false;
			for (size_t x = 0; x < g.ncols && !pair; x++)
				pair = plot_heatmap_cell(c, input, g.rows[y], g.cols[x], g.mask) &&
				       plot_heatmap_cell(c, (size_t)base, g.rows[y], g.cols[x], g.mask);
			if (pair)
				g.rows[nr++] = g.rows[y];
		}
		g.nrows = nr;
	}
	t = fopen(tpath, "w");
	if (!t)
		goto io;
	fputs("# contend heatmap: ", t);
	for (const char *q = title; *q; q++)
		if (*q == '\n')
			fputs(" / ", t);
		else
			fputc(*q, t);
	fputs("\n# column\trow\tcolour\tlabel\ttext_rgb\n", t);
	for (size_t x = 0; x < g.ncols; x++) {
		double best = -INFINITY;

		if (base < 0)
			for (size_t y = 0; y < g.nrows; y++) {
				const struct result_point *p = plot_heatmap_cell(c, input, g.rows[y], g.cols[x], g.mask);
				if (p && !p->failed && p->tput > 0)
					best = fmax(best, p->tput);
			}
		for (size_t y = 0; y < g.nrows; y++) {
			const struct result_point *p = plot_heatmap_cell(c, input, g.rows[y], g.cols[x], g.mask);
			const struct result_point *b = base >= 0 ?
				plot_heatmap_cell(c, (size_t)base, g.rows[y], g.cols[x], g.mask) : NULL;
			double v = NAN;
			char label[32];
			bool light = false;

			if (!p || (base >= 0 && !b))
				continue;   /* not measured here: an empty cell */
			if (p->failed || (b && b->failed)) {
				snprintf(label, sizeof(label), "failed");
			} else if (base < 0) {
				fmt_si(p->tput, label, sizeof(label));
				if (p->tput > 0 && isfinite(best))
					v = fmax(-3, log10(p->tput / best));
				light = v < -1.6;
			} else {
				double r = p->tput / b->tput;
				fmt_num(r, r >= 10 ? "%.0fx" : "%.2fx", label, sizeof(label));
				if (r > 0 && isfinite(r))
					v = fmax(-2, fmin(2, log2(r)));
				light = fabs(v) > 1.3;
			}
			fprintf(t, "%zu\t%zu\t", x, y);
			plot_put_num(t, v);
			fprintf(t, "\t%s\t%d\n", label, light ? TEXT_LIGHT : TEXT_DARK);
			drawn += isfinite(v);
		}
	}
	const char **ylabels = xcalloc(g.nrows ? g.nrows : 1, sizeof(*ylabels));

	for (size_t y = 0; y < g.nrows; y++)
		ylabels[y] = c->locks[g.rows[y]];
	rc = plot_heatmap_finish(c, t, drawn, "cell", stem, title, base >= 0, g.cols, g.ncols,
				 g.mask, ylabels, g.nrows, err, errlen);
	free(ylabels);
	goto out;
io:
	seterr(err, errlen, "%s: %s", tpath, strerror(errno));
out:
	free(tpath);
	free(g.cols);
	free(g.rows);
	return rc;
}

int plot_write_heatmaps(struct plot_ctx *c, char *err, size_t errlen)
{
	/* The grid marks inputs in an unsigned bitmask. */
	size_t nin = c->nin < 32 ? c->nin : 32;

	for (size_t i = 0; i < nin; i++) {
		char stem[160], title[512];

		file_stem(c->in[i].legend, stem, sizeof(stem));
		char *name = nin > 1 ? xasprintf("throughput-heatmap-%s", stem)
				 : xasprintf("throughput-heatmap");
		snprintf(title, sizeof(title), "Throughput (acq/s) against the best lock of each "
			 "column\n%s", c->in[i].label);
		int rc = heatmap(c, i, -1, name, title, err, errlen);
		free(name);
		if (rc)
			return -1;
	}
	for (size_t i = 1; i < nin; i++) {
		char stem[160], bstem[160], title[700];

		file_stem(c->in[i].legend, stem, sizeof(stem));
		file_stem(c->in[0].legend, bstem, sizeof(bstem));
		char *name = xasprintf("ratio-heatmap-%s-vs-%s", stem, bstem);
		snprintf(title, sizeof(title), "Throughput %s / %s per point\n(blue: %s faster, "
			 "red: slower)", c->in[i].legend, c->in[0].legend, c->in[i].legend);
		int rc = heatmap(c, i, 0, name, title, err, errlen);
		free(name);
		if (rc)
			return -1;
	}
	return 0;
}
