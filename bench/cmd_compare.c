/*
 * cmd_compare.c - `contend compare BASE NEW`: options, then the verdicts
 * (analysis/compare.c), the table (report/compare_text.c) and, with -o, the
 * charts of both files (plot/).
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
#include "compare.h"
#include "compare_text.h"
#include "plotting.h"
#include "stats.h"

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
	"                       " COMPARE_DEFAULT_THRESHOLD_TEXT ": two runs of the same build differ by up to\n"
	"                       ~25% here)\n"
	"  -o, --output DIR     also write overlay charts of both files, the table\n"
	"                       (compare.txt) and compare.tsv into DIR\n"
	"  -f, --format FMT     chart format with -o: png (default), svg or pdf\n"
	"  -h, --help           show this help\n";

static int write_outputs(const char *outdir, struct comparison *c, const struct plot_input *in,
			 enum plot_format fmt)
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
	if (plot_charts(sd.tmp, in, 2, &req, &set, err, sizeof(err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/compare.tsv", sd.tmp);
	if (compare_write_tsv(path, c)) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/compare.txt", sd.tmp);
	FILE *txt = fopen(path, "w");
	if (!txt) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	compare_print_table(txt, c);
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
	plot_chart_set_free(&set);
	return rc;
fail:
	cli_error("%s", err);
	staged_dir_abort(&sd);
	plot_chart_set_free(&set);
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
	struct comparison c = { .threshold = COMPARE_DEFAULT_THRESHOLD };
	struct plot_input in[2] = { 0 };
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
	if (plot_load_inputs(in, argv + optind, 2, err, sizeof(err))) {
		cli_error("%s", err);
		goto out;
	}
	/* In the charts, say which side a curve is. */
	for (int s = 0; s < 2; s++) {
		char legend[sizeof(in[s].legend)];
		snprintf(legend, sizeof(legend), "%s", in[s].legend);
		snprintf(in[s].legend, sizeof(in[s].legend), "%s: %.100s", s ? "NEW" : "BASE",
			 legend);
	}
	for (int s = 0; s < 2; s++) {
		c.file[s] = in[s].file;
		c.label[s] = in[s].label;
	}
	compare_points(&c);
	compare_print_table(stdout, &c);
	rc = 0;
	if (outdir && write_outputs(outdir, &c, in, fmt))
		rc = 1;
out:
	for (int s = 0; s < 2; s++)
		results_free(in[s].file);
	free(c.m);
	free(c.only[0]);
	free(c.only[1]);
	return rc;
}
