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
	char *locks = NULL, err[1024];
	struct plot_session ps;
	int c, rc;

	if ((c = plot_parse_options(argc, argv, plot_usage, true, &req, &outdir, &locks)) >= 0)
		return c;
	if (optind >= argc) {
		cli_usage_error("no results file given (try 'contend plot --help')");
		return EXIT_USAGE;
	}
	rc = plot_session_open(&ps, argv + optind, (size_t)(argc - optind), locks, &req, outdir);
	if (rc)
		goto out;
	rc = 1;
	if (plot_charts(ps.sd.tmp, ps.in, ps.nin, &req, &ps.set, err, sizeof(err)) ||
	    staged_dir_commit(&ps.sd, err, sizeof(err))) {
		cli_error("%s", err);
		goto out;
	}
	for (size_t i = 0; i < ps.set.n; i++)
		printf("%s/%s\n", ps.sd.target, ps.set.charts[i].image);
	for (size_t i = 0; i < ps.set.nnotes; i++)
		fprintf(stderr, "%s: note: %s\n", cli_progname, ps.set.notes[i]);
	for (size_t i = 0; i < ps.nin; i++)
		if (!ps.in[i].file->complete)
			fprintf(stderr, "%s: warning: %s is an incomplete sweep (interrupted by %s)\n",
				cli_progname, ps.in[i].file->path,
				ps.in[i].file->interrupted_by ? ps.in[i].file->interrupted_by
							       : "an error");
	rc = 0;
out:
	plot_session_close(&ps);
	free((void *)req.locks);
	return rc;
}
