/*
 * cmd_report.c - `contend report`: options, then the charts (plot/) and the
 * self-contained page beside them (report/report_page.c).
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
#include "report_html.h"
#include "plotting.h"

static const char report_usage[] =
	"Usage: contend report FILE... -o DIR [--format svg|png] [--x threads|cs|ncs]\n"
	"                      [--locks LIST]\n\n"
	"Write DIR/index.html: the machine and configuration of each results file,\n"
	"warnings (failed points, noisy points, incomplete sweeps, a machine that\n"
	"changed under a point), every chart of `contend plot` and the table of all\n"
	"points. The page needs nothing but the files in DIR (charts, TSV data).\n"
	"DIR appears only when complete; an earlier contend output there is replaced.\n\n"
	"Options:\n"
	"  -o, --output DIR   output directory (required)\n"
	"  -f, --format FMT   chart format: svg (default) or png\n"
	"  -x, --x AXIS       threads (default), cs or ncs\n"
	"  -l, --locks LIST   only these locks, comma-separated\n"
	"  -h, --help         show this help\n";

int cmd_report(int argc, char **argv)
{
	struct plot_request req = { .format = PLOT_SVG, .x = AXIS_THREADS, .cs_chart = true,
				    .heatmap = true };
	const char *outdir = NULL;
	char *locks = NULL, err[PATH_MAX + 256], path[PATH_MAX];
	struct plot_session ps;
	int c, rc;

	if ((c = plot_parse_options(argc, argv, report_usage, false, &req, &outdir, &locks)) >= 0)
		return c;
	if (optind >= argc) {
		cli_usage_error("no results file given (try 'contend report --help')");
		return EXIT_USAGE;
	}
	if (!outdir) {
		cli_usage_error("-o DIR is required");
		return EXIT_USAGE;
	}
	rc = plot_session_open(&ps, argv + optind, (size_t)(argc - optind), locks, &req, outdir);
	if (rc)
		goto out;
	rc = 1;
	if (plot_charts(ps.sd.tmp, ps.in, ps.nin, &req, &ps.set, err, sizeof(err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/index.html", ps.sd.tmp);
	if (report_write_page(path, ps.in, ps.nin, &req, &ps.set)) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (staged_dir_commit(&ps.sd, err, sizeof(err)))
		goto fail;
	printf("%s/index.html (%zu charts)\n", ps.sd.target, ps.set.n);
	rc = 0;
	goto out;
fail:
	cli_error("%s", err);
out:
	plot_session_close(&ps);
	free((void *)req.locks);
	return rc;
}
