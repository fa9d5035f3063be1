/*
 * plot_internal.h - what the plotting files (plot_options.c, plot_data.c,
 * plot_charts.c, plot_gnuplot.c) share among themselves; commands include
 * plotting.h only.
 */
#ifndef CONTEND_PLOT_INTERNAL_H
#define CONTEND_PLOT_INTERNAL_H

#include <stdio.h>

#include "errmsg.h"
#include "plotting.h"

/* plot_options.c: allocation that exits with "out of memory" rather than
 * returning NULL. Errors go into a caller's buffer with seterr(). */
char *plot_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *plot_xcalloc(size_t n, size_t size);
#define xasprintf plot_xasprintf
#define xcalloc plot_xcalloc

/* plot_data.c: the dimensions a sweep varies. Every dimension but the x
 * axis that takes several values splits the points into groups. */
enum dim { D_THREADS, D_CS, D_NCS, D_PIN, D_PERMITS, D_NLOCKS, D_CS_LINES, D_COUNT };

/* A point the request includes, and where it came from. */
struct ref {
	const struct result_point *p;
	size_t input;
	size_t lock;        /* index into the plot's lock list (colour) */
};

struct plot_ctx {
	const char *dir;
	const struct plot_input *in;
	size_t nin;
	const struct plot_request *req;
	const char *templates;
	struct ref *refs;
	size_t nrefs;
	const char **locks; /* in order of first appearance */
	size_t nlocks;
	size_t *looks;      /* per lock: its colour and marker index (registry order) */
	struct chart_set *out;
	char **drivers;     /* driver files for the one gnuplot run */
	size_t ndrivers;
};

/* Columns of a group's TSV; the driver hands these numbers to the templates
 * as col_*, so this table is the only place that defines them. */
enum col {
	COL_X = 1, COL_TPUT, COL_TPUT_LO, COL_TPUT_HI, COL_JAIN, COL_P99, COL_CSW,
	COL_CYCLES, COL_OVER, COL_THREADS, COL_CS, COL_NCS, COL_STATUS, COL_CV,
	COL_CSW_VOL, COL_CSW_INVOL, COL_P50,
};

/* A series of one chart group: the points of one (input, lock), sorted by x. */
struct series {
	size_t input, lock;
	const struct result_point **pts;
	size_t n;
	char *title;
};

enum dim plot_axis_dim(enum plot_axis x);
int plot_cmp_double(double a, double b);
int plot_dim_cmp(const struct result_point *a, const struct result_point *b, enum dim d);
double plot_dim_x(const struct result_point *p, enum dim d);
/* Fill refs, locks and looks of C from its inputs and request. */
void plot_collect(struct plot_ctx *c);
/* Bit d set when dimension d takes more than one value among the refs. */
unsigned plot_varying_dims(const struct plot_ctx *c);
int plot_group_cmp(const struct result_point *a, const struct result_point *b, unsigned mask);
void plot_group_suffix(const struct result_point *p, unsigned mask, char *buf, size_t len);
void plot_workload_words(const struct plot_ctx *c, const struct result_point *p,
		    enum dim xd, char *buf, size_t len);
void plot_put_num(FILE *f, double v);
void plot_put_str(FILE *f, const char *s);
double plot_column_value(const struct result_point *p, enum col col);
int plot_write_points_tsv(const char *path, const struct plot_ctx *c);
size_t plot_build_series(const struct plot_ctx *c, const struct result_point *rep,
		    unsigned gmask, enum dim xd, struct series **out);
void plot_free_series(struct series *s, size_t n);
int plot_write_group_tsv(const char *path, const struct series *s, size_t ns, enum dim xd,
		    const char *workload);

/* plot_gnuplot.c: what the heatmaps share with the line charts. */
void plot_gp_string(FILE *f, const char *s);
void plot_gp_set_str(FILE *f, const char *name, const char *value);
/* The start of every driver: work in the driver's own directory. */
void plot_gp_here(FILE *f);
void plot_machines_words(const struct plot_ctx *c, char *buf, size_t len);
void plot_add_note(struct chart_set *set, char *note);
void plot_add_chart(struct chart_set *set, char *image, const char *tsv, char *title);
/* Register a driver (taken over) for the one gnuplot run. */
void plot_add_driver(struct plot_ctx *c, char *driver);

/* plot_boundaries.c: n_bound, bound_x[], bound_level[], bound_text[] of
 * a chart against threads (the inputs' topology boundaries in (xmin,
 * xmax]); n_bound = 0 for other axes. */
void plot_write_boundaries(FILE *f, const struct plot_ctx *c, const struct series *s,
			   size_t ns, enum dim xd, double xmin, double xmax);

/* plot_heatmap.c: with req->heatmap, a heatmap per input (throughput
 * relative to the best lock of each column) and, with several inputs, one
 * of NEW/BASE ratios per input after the first (the base). */
int plot_write_heatmaps(struct plot_ctx *c, char *err, size_t errlen);
/* Sort heatmap columns: by critical section first, then the rest of MASK
 * (threads ascending). Not reentrant (qsort takes no context). */
void plot_heatmap_sort_cols(const struct result_point **cols, size_t n, unsigned mask);
/* The point of input INPUT and lock LOCK in column COL (the dimensions of
 * MASK); NULL when that cell was not measured. */
const struct result_point *plot_heatmap_cell(const struct plot_ctx *c, size_t input, size_t lock,
					     const struct result_point *col, unsigned mask);
/* A heatmap column's parameters (the dimensions of MASK), one per line. */
void plot_heatmap_col_label(const struct result_point *p, unsigned mask, char *buf, size_t len);
/* Finish one heatmap whose TSV (STEM.tsv in c->dir) is open as T, DRAWN
 * cells measured: close it, then write its driver STEM.gp and add the chart
 * STEM.<format> with TITLE; with no cell drawn, only a note that no WHAT
 * has a measured throughput. Columns are COLS (labelled by the dimensions
 * of MASK), rows YLABELS; RATIO picks the NEW/BASE palette. Closes T in
 * every case; 0, or -1 with ERR set. */
int plot_heatmap_finish(struct plot_ctx *c, FILE *t, size_t drawn, const char *what,
			const char *stem, const char *title, bool ratio,
			const struct result_point *const *cols, size_t ncols, unsigned mask,
			const char *const *ylabels, size_t nrows, char *err, size_t errlen);

/* plot_machines.c: with req->heatmap and inputs from several machines
 * (platform.h), a heatmap per lock: machines x scenarios, throughput
 * against the best machine of each column. */
int plot_write_machine_heatmaps(struct plot_ctx *c, char *err, size_t errlen);

/* plot_gnuplot.c: one gnuplot run over every driver of C, in C->dir. */
int plot_run_gnuplot(const char *gnuplot, const struct plot_ctx *c, char *err, size_t errlen);
/* Copy the templates from FROM into DIR, beside the drivers. */
int plot_copy_templates(const char *from, const char *dir, char *err, size_t errlen);
/* -1 with err when an image of C->out is missing or empty. */
int plot_check_images(const struct plot_ctx *c, char *err, size_t errlen);

#endif
