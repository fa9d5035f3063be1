/*
 * plot_machines.c - one heatmap per lock when the inputs come from several
 * machines: rows are the machines (the inputs), columns the scenarios (every
 * swept parameter but the lock: threads, cs, ...), colour the throughput
 * against the best machine of the column (log10, clamped at 1/1000, the
 * palette of the locks x scenarios heatmap), the throughput in each cell.
 * Where plot_heatmap.c answers "which lock, on this machine", this answers
 * "which machine, for this lock". A failed point is a grey-labelled
 * "failed" cell; a point a machine did not run is empty.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "plot_internal.h"

#define TEXT_DARK 0x000000
#define TEXT_LIGHT 0xffffff

static unsigned sort_mask;

/* Columns by critical section first, then the rest (threads ascending),
 * as the locks x scenarios heatmap orders them. */
static int cmp_col(const void *a, const void *b)
{
	const struct result_point *pa = *(const struct result_point *const *)a;
	const struct result_point *pb = *(const struct result_point *const *)b;
	int r = (sort_mask & (1u << D_CS)) ? plot_dim_cmp(pa, pb, D_CS) : 0;

	return r ? r : plot_group_cmp(pa, pb, sort_mask);
}

static const struct result_point *cell(const struct plot_ctx *c, size_t input, size_t lock,
				       const struct result_point *col, unsigned mask)
{
	for (size_t r = 0; r < c->nrefs; r++)
		if (c->refs[r].input == input && c->refs[r].lock == lock &&
		    plot_group_cmp(c->refs[r].p, col, mask) == 0)
			return c->refs[r].p;
	return NULL;
}

static int lock_heatmap(struct plot_ctx *c, size_t lock, char *err, size_t errlen)
{
	/* Threads always make a column: the scaling is what machines differ in. */
	unsigned mask = plot_varying_dims(c) | 1u << D_THREADS;
	const struct result_point **cols = xcalloc(c->nrefs, sizeof(*cols));
	size_t ncols = 0, drawn = 0;
	char *stem = xasprintf("machines-heatmap-%s", c->locks[lock]);
	char *tsv = xasprintf("%s.tsv", stem), *driver = xasprintf("%s.gp", stem);
	char *image = xasprintf("%s.%s", stem, plot_format_ext(c->req->format));
	char *tpath = xasprintf("%s/%s", c->dir, tsv), *dpath = xasprintf("%s/%s", c->dir, driver);
	FILE *t = NULL, *f = NULL;
	int rc = -1;

	for (size_t r = 0; r < c->nrefs; r++) {
		size_t q = 0;
		if (c->refs[r].lock != lock)
			continue;
		while (q < ncols && plot_group_cmp(cols[q], c->refs[r].p, mask) != 0)
			q++;
		if (q == ncols)
			cols[ncols++] = c->refs[r].p;
	}
	sort_mask = mask;
	qsort(cols, ncols, sizeof(*cols), cmp_col);

	t = fopen(tpath, "w");
	if (!t)
		goto io;
	fprintf(t, "# contend heatmap: %s: throughput on each machine against the best machine "
		"of each column\n# column\trow\tcolour\tlabel\ttext_rgb\n", c->locks[lock]);
	for (size_t x = 0; x < ncols; x++) {
		double best = -INFINITY;
		for (size_t y = 0; y < c->nin; y++) {
			const struct result_point *p = cell(c, y, lock, cols[x], mask);
			if (p && !p->failed && p->tput > 0)
				best = fmax(best, p->tput);
		}
		for (size_t y = 0; y < c->nin; y++) {
			const struct result_point *p = cell(c, y, lock, cols[x], mask);
			double v = NAN;
			char label[32];

			if (!p)
				continue;
			if (p->failed) {
				snprintf(label, sizeof(label), "failed");
			} else {
				fmt_si(p->tput, label, sizeof(label));
				if (p->tput > 0 && isfinite(best))
					v = fmax(-3, log10(p->tput / best));
			}
			fprintf(t, "%zu\t%zu\t", x, y);
			plot_put_num(t, v);
			fprintf(t, "\t%s\t%d\n", label, isfinite(v) && v < -1.6 ? TEXT_LIGHT : TEXT_DARK);
			drawn += isfinite(v);
		}
	}
	if (fclose(t) != 0) {
		t = NULL;
		goto io;
	}
	t = NULL;
	if (drawn == 0) {
		plot_add_note(c->out, xasprintf("%s not drawn: no machine has a measured throughput", image));
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
	char *title = xasprintf("%s: throughput (acq/s) on each machine\nagainst the best "
				"machine of each column", c->locks[lock]);
	plot_gp_set_str(f, "chart_title", title);
	size_t width = 380 + 84 * (ncols < 5 ? 5 : ncols), height = 170 + 26 * c->nin;
	fprintf(f, "ratio = 0\nncols = %zu\nnrows = %zu\nwidth = %zu\nheight = %zu\n", ncols,
		c->nin, width, height);
	fprintf(f, "array xlabels[%zu]\narray ylabels[%zu]\n", ncols, c->nin);
	for (size_t x = 0; x < ncols; x++) {
		char lab[256];
		plot_heatmap_col_label(cols[x], mask, lab, sizeof(lab));
		fprintf(f, "xlabels[%zu] = ", x + 1);
		plot_gp_string(f, lab);
		fputc('\n', f);
	}
	for (size_t y = 0; y < c->nin; y++) {
		fprintf(f, "ylabels[%zu] = ", y + 1);
		plot_gp_string(f, c->in[y].legend);
		fputc('\n', f);
	}
	fputs("load plotsdir.'/heatmap.gp'\nset output\n", f);
	if (fclose(f) != 0) {
		f = NULL;
		free(title);
		goto io;
	}
	f = NULL;
	plot_add_driver(c, driver);
	driver = NULL;
	plot_add_chart(c->out, image, tsv, title);
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
	free(stem);
	free(tsv);
	free(driver);
	free(image);
	free(tpath);
	free(dpath);
	free(cols);
	return rc;
}

int plot_write_machine_heatmaps(struct plot_ctx *c, char *err, size_t errlen)
{
	bool several = false;

	for (size_t i = 1; i < c->nin && !several; i++)
		several = !platform_same_machine(c->in[0].file, c->in[i].file);
	if (!several)
		return 0;
	for (size_t l = 0; l < c->nlocks; l++)
		if (lock_heatmap(c, l, err, errlen))
			return -1;
	return 0;
}
