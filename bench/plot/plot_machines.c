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

static int lock_heatmap(struct plot_ctx *c, size_t lock, char *err, size_t errlen)
{
	/* Threads always make a column: the scaling is what machines differ in. */
	unsigned mask = plot_varying_dims(c) | 1u << D_THREADS;
	const struct result_point **cols = xcalloc(c->nrefs, sizeof(*cols));
	size_t ncols = 0, drawn = 0;
	char *stem = xasprintf("machines-heatmap-%s", c->locks[lock]);
	char *tpath = xasprintf("%s/%s.tsv", c->dir, stem);
	FILE *t = NULL;
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
	plot_heatmap_sort_cols(cols, ncols, mask);

	t = fopen(tpath, "w");
	if (!t)
		goto io;
	fprintf(t, "# contend heatmap: %s: throughput on each machine against the best machine "
		"of each column\n# column\trow\tcolour\tlabel\ttext_rgb\n", c->locks[lock]);
	for (size_t x = 0; x < ncols; x++) {
		double best = -INFINITY;
		for (size_t y = 0; y < c->nin; y++) {
			const struct result_point *p = plot_heatmap_cell(c, y, lock, cols[x], mask);
			if (p && !p->failed && p->tput > 0)
				best = fmax(best, p->tput);
		}
		for (size_t y = 0; y < c->nin; y++) {
			const struct result_point *p = plot_heatmap_cell(c, y, lock, cols[x], mask);
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
	char *title = xasprintf("%s: throughput (acq/s) on each machine\nagainst the best "
				"machine of each column", c->locks[lock]);
	const char **ylabels = xcalloc(c->nin ? c->nin : 1, sizeof(*ylabels));

	for (size_t y = 0; y < c->nin; y++)
		ylabels[y] = c->in[y].legend;
	rc = plot_heatmap_finish(c, t, drawn, "machine", stem, title, false, cols, ncols, mask,
				 ylabels, c->nin, err, errlen);
	free(ylabels);
	free(title);
	goto out;
io:
	seterr(err, errlen, "%s: %s", tpath, strerror(errno));
out:
	free(stem);
	free(tpath);
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
