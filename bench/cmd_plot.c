/* cmd_plot.c - `contend plot`: charts (and their TSV data) from results files. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "plotting.h"

static const char plot_usage[] =
	"Usage: contend plot FILE... [-o DIR] [--format png|svg|pdf]\n"
	"                    [--x threads|cs|ncs] [--locks LIST]\n\n"
	"Draw charts of one or more results files (from `contend run`) with gnuplot:\n"
	"throughput (with 95% confidence intervals), Jain's fairness, p99 acquire\n"
	"latency, context switches and cycles per acquisition against the x axis,\n"
	"and throughput against the critical-section length when the sweep varied it.\n"
	"Several files (machines) are overlaid, each machine named in the legend.\n"
	"Every other swept parameter gets its own set of charts. Threads beyond a\n"
	"machine's CPUs are shaded (oversubscribed); failed points are red crosses.\n\n"
	"DIR receives the images, the data as TSV (points.tsv with every point, and\n"
	"one file per chart group) and a gnuplot driver per chart (`gnuplot X.gp` in\n"
	"DIR redraws one). DIR appears only when complete; an earlier contend output\n"
	"there is replaced, anything else is left alone.\n\n"
	"Options:\n"
	"  -o, --output DIR   output directory (default: contend-plots)\n"
	"  -f, --format FMT   png (default), svg or pdf\n"
	"  -x, --x AXIS       threads (default), cs or ncs\n"
	"  -l, --locks LIST   only these locks, comma-separated\n"
	"  -h, --help         show this help\n\n"
	"Environment: CONTEND_GNUPLOT (gnuplot to run), CONTEND_PLOTS_DIR (templates).\n";

int cmd_plot(int argc, char **argv)
{
	struct plot_request req = { .format = PLOT_PNG, .x = AXIS_THREADS, .cs_chart = true };
	const char *outdir = "contend-plots";
	char *locks = NULL, err[1024], path[PATH_MAX];
	struct plot_input *in;
	struct staged_dir sd;
	struct chart_set set;
	size_t nin;
	int c, rc = 1;

	if ((c = plot_parse_options(argc, argv, plot_usage, true, &req, &outdir, &locks)) >= 0)
		return c;
	if (optind >= argc) {
		cli_usage_error("no results file given (try 'contend plot --help')");
		return EXIT_USAGE;
	}
	nin = (size_t)(argc - optind);
	in = calloc(nin, sizeof(*in));
	if (!in) {
		cli_error("out of memory");
		return 1;
	}
	if (plot_load_inputs(in, argv + optind, nin, err, sizeof(err))) {
		cli_error("%s", err);
		free(in);
		return 1;
	}
	if (locks && plot_parse_locks(locks, in, nin, &req, err, sizeof(err))) {
		cli_usage_error("%s", err);
		rc = EXIT_USAGE;
		goto out;
	}
	/* Before any directory appears: is there something to draw with? */
	if (plot_find_gnuplot(path, sizeof(path), err, sizeof(err)) ||
	    plot_find_templates(path, sizeof(path), err, sizeof(err))) {
		cli_error("%s", err);
		goto out;
	}
	if (staged_dir_begin(&sd, outdir, err, sizeof(err))) {
		cli_error("%s", err);
		goto out;
	}
	if (plot_charts(sd.tmp, in, nin, &req, &set, err, sizeof(err)) ||
	    staged_dir_commit(&sd, err, sizeof(err))) {
		cli_error("%s", err);
		staged_dir_abort(&sd);
		plot_chart_set_free(&set);
		goto out;
	}
	for (size_t i = 0; i < set.n; i++)
		printf("%s/%s\n", sd.target, set.charts[i].image);
	for (size_t i = 0; i < set.nnotes; i++)
		fprintf(stderr, "%s: note: %s\n", cli_progname, set.notes[i]);
	for (size_t i = 0; i < nin; i++)
		if (!in[i].file->complete)
			fprintf(stderr, "%s: warning: %s is an incomplete sweep (interrupted by %s)\n",
				cli_progname, in[i].file->path,
				in[i].file->interrupted_by ? in[i].file->interrupted_by : "an error");
	staged_dir_abort(&sd);   /* frees the names; the directory is committed */
	plot_chart_set_free(&set);
	rc = 0;
out:
	free((void *)req.locks);
	for (size_t i = 0; i < nin; i++)
		results_free(in[i].file);
	free(in);
	return rc;
}
