/*
 * plotting.h - what `contend plot`, `report` and `compare` share: turning
 * results files into TSV + gnuplot charts, finding gnuplot and the chart
 * templates. The staged output directory is in atomicfile.h, the figure
 * formatters in fmt.h (both included here for the commands).
 */
#ifndef CONTEND_PLOTTING_H
#define CONTEND_PLOTTING_H

#include <stdbool.h>
#include <stddef.h>

#include "atomicfile.h"
#include "fmt.h"
#include "reader.h"

enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_PDF };
enum plot_axis { AXIS_THREADS, AXIS_CS, AXIS_NCS };

/* One input file and how charts name its machine. */
struct plot_input {
	struct results_file *file;
	char legend[128];   /* short: hostname, or hostname [file] when two share it */
	char label[256];    /* long: "alpha (AMD EPYC 7B13, 2 CPUs)" */
};

struct plot_request {
	enum plot_format format;
	enum plot_axis x;
	const char *const *locks;   /* plot only these; NULL when nlocks is 0 */
	size_t nlocks;
	/* With x = threads, add throughput vs critical-section length when the
	 * sweep varied cs_ns. */
	bool cs_chart;
	/* Add heatmaps: locks x scenarios, throughput relative to the best
	 * lock of each scenario; with several inputs, NEW/BASE ratios too. */
	bool heatmap;
};

struct chart {
	char *image;        /* file name inside the output directory */
	char *tsv;          /* the data it was drawn from */
	char *title;        /* one line */
	bool heatmap;       /* a heatmap, not a line chart */
	int width, height;  /* pixels, as drawn (SVG and PNG) */
};

struct chart_set {
	struct chart *charts;
	size_t n;
	char **notes;       /* charts skipped and why */
	size_t nnotes;
};


/* Fill legend and label of each input from its file; legends stay unique. */
void plot_inputs_name(struct plot_input *in, size_t n);

/*
 * The inputs of plot, report and compare: load (results_load: parse and
 * validate) each of the N files of PATHS into in[], zeroed by the caller,
 * and name them (plot_inputs_name). -1 with err, the message of the first
 * file that failed, after freeing the ones loaded.
 */
int plot_load_inputs(struct plot_input *in, char *const *paths, size_t n,
		     char *err, size_t errlen);

/* Parse option values; 0 on success, -1 when the value is not known. */
int plot_parse_format(const char *s, enum plot_format *out);

/* The options `plot` and `report` share: -o DIR, -f FMT, -x AXIS, -l LOCKS,
 * -h (prints usage). allow_pdf is false for report (a browser cannot show PDF
 * in <img>). Sets *outdir and *locks only when given. Returns -1 when the
 * options were parsed and the command goes on (optind at the first file),
 * 0 after --help, EXIT_USAGE (2) after a one-line usage error. */
int plot_parse_options(int argc, char **argv, const char *usage, bool allow_pdf,
		       struct plot_request *req, const char **outdir, char **locks);
int plot_parse_axis(const char *s, enum plot_axis *out);
const char *plot_format_ext(enum plot_format f);
const char *plot_axis_name(enum plot_axis x);

/*
 * The --locks LIST of plot and report: split the comma-separated value in
 * place into req->locks, a NULL-terminated array (the caller frees the
 * array, not the strings), and req->nlocks; -1 with err when a name is
 * empty or no input holds a lock of that name. results_lock_listed() (findings.h)
 * applies it.
 */
int plot_parse_locks(char *list, const struct plot_input *in, size_t nin,
		     struct plot_request *req, char *err, size_t errlen);

/* Path of gnuplot: $CONTEND_GNUPLOT, else the first in $PATH. -1 with err. */
int plot_find_gnuplot(char *buf, size_t len, char *err, size_t errlen);
/* Directory holding the *.gp templates: $CONTEND_PLOTS_DIR, else the source
 * tree when this binary runs from its build tree, else the installed
 * $(pkgdatadir)/plots. -1 with err when none has common.gp. */
int plot_find_templates(char *buf, size_t len, char *err, size_t errlen);

/*
 * Write every chart of the request into DIR (an existing, empty staging
 * directory): per group of points a TSV, per chart a gnuplot driver
 * <chart>.gp and the image, plus points.tsv with every point. Charts with no
 * measured value are skipped with a note. 0 on success, -1 with err.
 */
int plot_charts(const char *dir, const struct plot_input *in, size_t nin,
		const struct plot_request *req, struct chart_set *out,
		char *err, size_t errlen);
void plot_chart_set_free(struct chart_set *set);

/*
 * The start every command that draws shares (plot_session.c): load PATHS,
 * apply the --locks LIST to REQ, find gnuplot and the templates, and only
 * then stage OUTDIR. 0, or the exit status after a one-line error on stderr
 * (EXIT_USAGE for a bad --locks). plot_session_close() frees all of it and
 * removes the staging directory unless it was committed; call it either way.
 */
struct plot_session {
	struct plot_input *in;
	size_t nin;
	struct staged_dir sd;
	bool staged;           /* sd begun */
	struct chart_set set;
};
int plot_session_open(struct plot_session *ps, char *const *paths, size_t n, char *locks,
		      struct plot_request *req, const char *outdir);
void plot_session_close(struct plot_session *ps);

#endif
