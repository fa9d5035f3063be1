/*
 * cmd_compare.c - `contend compare BASE NEW`: per point, NEW/BASE throughput
 * and a verdict from the two 95% confidence intervals of the median.
 *
 * Verdict rule: NEW is faster when its whole interval lies above BASE's
 * (new ci95_low > base ci95_high) and NEW/BASE >= 1 + PCT/100; slower when
 * its whole interval lies below BASE's and BASE/NEW >= 1 + PCT/100 (the
 * threshold is symmetric in ratio); otherwise the difference is within noise.
 * Overlapping intervals of medians do not prove "no difference", so the word
 * is "within noise", not "same". A point without an interval (one repeat)
 * gets "no CI"; a failed point on either side gets "failed", never a ratio.
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
#include "plotting.h"

static const char compare_usage[] =
	"Usage: contend compare BASE.json NEW.json [--threshold PCT] [-o DIR]\n"
	"                       [--format png|svg|pdf]\n\n"
	"Match the points of two results files by lock, threads, cs, ncs, pin,\n"
	"permits, nlocks and cs_lines, and print NEW/BASE median throughput per\n"
	"point with a verdict: faster or slower when the two 95% confidence\n"
	"intervals do not overlap and the ratio differs from 1 by at least PCT\n"
	"percent, else within noise. Per lock, the geometric mean of the ratios.\n"
	"Points found in only one file are listed. Failed points get no ratio.\n\n"
	"Options:\n"
	"  -t, --threshold PCT  smallest difference called faster/slower (default 0:\n"
	"                       the confidence intervals alone decide)\n"
	"  -o, --output DIR     also write overlay charts of both files, the table\n"
	"                       (compare.txt) and compare.tsv into DIR\n"
	"  -f, --format FMT     chart format with -o: png (default), svg or pdf\n"
	"  -h, --help           show this help\n";

enum verdict { V_FASTER, V_SLOWER, V_NOISE, V_NO_CI, V_FAILED, V_COUNT };

static const char *const verdict_words[] = {
	[V_FASTER] = "faster", [V_SLOWER] = "slower", [V_NOISE] = "within noise",
	[V_NO_CI] = "no CI", [V_FAILED] = "failed",
};

struct match {
	const struct result_point *base, *new;
	double ratio;          /* NaN when a side failed */
	enum verdict verdict;
	const char *failed_side;
};

static enum verdict judge(const struct result_point *b, const struct result_point *n,
			  double threshold, double *ratio, const char **failed_side)
{
	*failed_side = NULL;
	*ratio = NAN;
	if (b->failed || n->failed) {
		*failed_side = b->failed && n->failed ? "both" : b->failed ? "BASE" : "NEW";
		return V_FAILED;
	}
	/* A BASE that made no progress has no finite ratio; the intervals can
	 * still tell whether NEW did better. */
	*ratio = b->tput > 0 ? n->tput / b->tput : NAN;
	if (isnan(b->tput_ci_low) || isnan(b->tput_ci_high) ||
	    isnan(n->tput_ci_low) || isnan(n->tput_ci_high))
		return V_NO_CI;
	if (n->tput_ci_low > b->tput_ci_high && (isnan(*ratio) || *ratio >= 1 + threshold))
		return V_FASTER;
	if (n->tput_ci_high < b->tput_ci_low && 1 / *ratio >= 1 + threshold)
		return V_SLOWER;
	return V_NOISE;
}

struct comparison {
	struct plot_input in[2];
	struct match *m;
	size_t nm;
	const struct result_point **only[2];
	size_t nonly[2];
	double threshold;      /* fraction */
};

static void compare_points(struct comparison *c)
{
	const struct results_file *b = c->in[0].file, *n = c->in[1].file;
	bool *used = calloc(n->npoints ? n->npoints : 1, sizeof(*used));

	c->m = calloc(b->npoints, sizeof(*c->m));
	c->only[0] = calloc(b->npoints, sizeof(*c->only[0]));
	c->only[1] = calloc(n->npoints, sizeof(*c->only[1]));
	if (!used || !c->m || !c->only[0] || !c->only[1]) {
		cli_error("out of memory");
		exit(1);
	}
	for (size_t i = 0; i < b->npoints; i++) {
		size_t j;

		for (j = 0; j < n->npoints; j++)
			if (!used[j] && result_point_same_key(&b->points[i], &n->points[j]))
				break;
		if (j == n->npoints) {
			c->only[0][c->nonly[0]++] = &b->points[i];
			continue;
		}
		used[j] = true;
		struct match *m = &c->m[c->nm++];
		m->base = &b->points[i];
		m->new = &n->points[j];
		m->verdict = judge(m->base, m->new, c->threshold, &m->ratio, &m->failed_side);
	}
	for (size_t j = 0; j < n->npoints; j++)
		if (!used[j])
			c->only[1][c->nonly[1]++] = &n->points[j];
	free(used);
}

/* Extra key columns only when some point uses a non-default value. */
struct columns {
	int lock_w, pin_w;
	bool permits, nlocks, cs_lines;
};

static void size_columns(const struct comparison *c, struct columns *col)
{
	col->lock_w = 4;
	col->pin_w = 3;
	for (int s = 0; s < 2; s++) {
		const struct results_file *f = c->in[s].file;
		for (size_t i = 0; i < f->npoints; i++) {
			const struct result_point *p = &f->points[i];
			int lw = (int)strlen(p->lock), pw = (int)strlen(p->pin);

			col->lock_w = lw > col->lock_w ? lw : col->lock_w;
			col->pin_w = pw > col->pin_w ? pw : col->pin_w;
			col->permits |= p->permits != 1;
			col->nlocks |= p->nlocks != 1;
			col->cs_lines |= p->cs_lines != 1;
		}
	}
}

static void print_key(FILE *out, const struct columns *col, const struct result_point *p)
{
	fprintf(out, "%-*s %7ld %8g %8g  %-*s", col->lock_w, p->lock, p->threads, p->cs_ns,
		p->ncs_ns, col->pin_w, p->pin);
	if (col->permits)
		fprintf(out, " %7ld", p->permits);
	if (col->nlocks)
		fprintf(out, " %6ld", p->nlocks);
	if (col->cs_lines)
		fprintf(out, " %5ld", p->cs_lines);
}

static void tput_cell(const struct result_point *p, char *buf, size_t len)
{
	char med[16], lo[16], hi[16];

	if (p->failed) {
		snprintf(buf, len, "failed (%ld violations)", p->violations);
		return;
	}
	fmt_si(p->tput, med, sizeof(med));
	fmt_si(p->tput_ci_low, lo, sizeof(lo));
	fmt_si(p->tput_ci_high, hi, sizeof(hi));
	snprintf(buf, len, "%s [%s, %s]", med, lo, hi);
}

static void print_table(FILE *out, const struct comparison *c)
{
	struct columns col = { 0 };
	char cell[2][80], ratio[16];

	size_columns(c, &col);
	for (int s = 0; s < 2; s++)
		fprintf(out, "%-4s  %s: %s, %s%s\n", s ? "NEW" : "BASE", c->in[s].file->path,
			c->in[s].label, c->in[s].file->timestamp,
			c->in[s].file->complete ? "" : " (incomplete sweep)");
	fprintf(out, "verdict: faster/slower when the 95%% CIs of the medians do not overlap "
		"and the ratio differs by >= %g%%; else within noise\n\n", c->threshold * 100);

	fprintf(out, "%-*s %7s %8s %8s  %-*s", col.lock_w, "LOCK", "THREADS", "CS_NS", "NCS_NS",
		col.pin_w, "PIN");
	if (col.permits)
		fprintf(out, " %7s", "PERMITS");
	if (col.nlocks)
		fprintf(out, " %6s", "NLOCKS");
	if (col.cs_lines)
		fprintf(out, " %5s", "LINES");
	fprintf(out, "  %-26s %-26s %8s  %s\n", "BASE acq/s [95% CI]", "NEW acq/s [95% CI]",
		"NEW/BASE", "VERDICT");
	for (size_t i = 0; i < c->nm; i++) {
		const struct match *m = &c->m[i];

		print_key(out, &col, m->base);
		tput_cell(m->base, cell[0], sizeof(cell[0]));
		tput_cell(m->new, cell[1], sizeof(cell[1]));
		fmt_num(m->ratio, "%.3f", ratio, sizeof(ratio));
		fprintf(out, "  %-26s %-26s %8s  %s", cell[0], cell[1], ratio,
			verdict_words[m->verdict]);
		if (m->verdict == V_FAILED)
			fprintf(out, " (%s)", m->failed_side);
		fputc('\n', out);
	}
	if (c->nm == 0)
		fprintf(out, "(no point is in both files)\n");

	for (int s = 0; s < 2; s++) {
		if (!c->nonly[s])
			continue;
		fprintf(out, "\nonly in %s (%zu point%s, not compared):\n", s ? "NEW" : "BASE",
			c->nonly[s], c->nonly[s] == 1 ? "" : "s");
		for (size_t i = 0; i < c->nonly[s]; i++) {
			char key[256];
			result_point_key_str(c->only[s][i], key, sizeof(key));
			fprintf(out, "  %s\n", key);
		}
	}

	/* Per lock, in order of first appearance in BASE. */
	fprintf(out, "\nper lock: geometric mean of NEW/BASE over the points in both files "
		"(failed points have no ratio)\n");
	fprintf(out, "%-*s %6s %8s %7s %7s %13s %6s %7s\n", col.lock_w, "LOCK", "POINTS",
		"GEOMEAN", "FASTER", "SLOWER", "WITHIN_NOISE", "NO_CI", "FAILED");
	for (size_t pass = 0; pass <= c->nm; pass++) {
		/* pass < nm: the lock of match `pass` if first seen there; pass ==
		 * nm: all locks together. */
		const char *lock = pass < c->nm ? c->m[pass].base->lock : NULL;
		size_t counts[V_COUNT] = { 0 }, n = 0, points = 0;
		double logsum = 0;
		bool seen = false;

		for (size_t q = 0; lock && q < pass; q++)
			seen |= strcmp(c->m[q].base->lock, lock) == 0;
		if (seen || (pass == c->nm && c->nm == 0))
			continue;
		for (size_t q = 0; q < c->nm; q++) {
			const struct match *m = &c->m[q];
			if (lock && strcmp(m->base->lock, lock) != 0)
				continue;
			counts[m->verdict]++;
			points++;
			if (isfinite(m->ratio) && m->ratio > 0) {
				logsum += log(m->ratio);
				n++;
			}
		}
		char gm[16];
		fmt_num(n ? exp(logsum / (double)n) : NAN, "%.3f", gm, sizeof(gm));
		fprintf(out, "%-*s %6zu %8s %7zu %7zu %13zu %6zu %7zu\n", col.lock_w,
			lock ? lock : "(all)", points, gm, counts[V_FASTER], counts[V_SLOWER],
			counts[V_NOISE], counts[V_NO_CI], counts[V_FAILED]);
	}
}

static int write_tsv(const char *path, const struct comparison *c)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "lock\tthreads\tcs_ns\tncs_ns\tpin\tpermits\tnlocks\tcs_lines\t"
		"base_throughput\tbase_ci95_low\tbase_ci95_high\tbase_status\t"
		"new_throughput\tnew_ci95_low\tnew_ci95_high\tnew_status\tratio\tverdict\n");
	for (size_t i = 0; i < c->nm; i++) {
		const struct match *m = &c->m[i];
		const struct result_point *p = m->base;
		const struct result_point *side[2] = { m->base, m->new };

		fprintf(f, "%s\t%ld\t%.10g\t%.10g\t%s\t%ld\t%ld\t%ld", p->lock, p->threads,
			p->cs_ns, p->ncs_ns, p->pin, p->permits, p->nlocks, p->cs_lines);
		for (int s = 0; s < 2; s++) {
			const double v[3] = { side[s]->tput, side[s]->tput_ci_low, side[s]->tput_ci_high };
			for (int k = 0; k < 3; k++)
				isnan(v[k]) ? fputs("\tNaN", f) : fprintf(f, "\t%.10g", v[k]);
			fprintf(f, "\t%s", side[s]->failed ? "failed" : "ok");
		}
		isnan(m->ratio) ? fputs("\tNaN", f) : fprintf(f, "\t%.6g", m->ratio);
		fprintf(f, "\t%s\n", verdict_words[m->verdict]);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int write_outputs(const char *outdir, struct comparison *c, enum plot_format fmt)
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
	if (plot_charts(sd.tmp, c->in, 2, &req, &set, err, sizeof(err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/compare.tsv", sd.tmp);
	if (write_tsv(path, c)) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/compare.txt", sd.tmp);
	FILE *txt = fopen(path, "w");
	if (!txt) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	print_table(txt, c);
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
	chart_set_free(&set);
	return rc;
fail:
	cli_error("%s", err);
	staged_dir_abort(&sd);
	chart_set_free(&set);
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
	struct comparison c = { 0 };
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
	for (int s = 0; s < 2; s++) {
		c.in[s].file = results_load(argv[optind + s], err, sizeof(err));
		if (!c.in[s].file) {
			cli_error("%s", err);
			goto out;
		}
	}
	plot_inputs_name(c.in, 2);
	/* In the charts, say which side a curve is. */
	for (int s = 0; s < 2; s++) {
		char legend[sizeof(c.in[s].legend)];
		snprintf(legend, sizeof(legend), "%s", c.in[s].legend);
		snprintf(c.in[s].legend, sizeof(c.in[s].legend), "%s: %.100s", s ? "NEW" : "BASE",
			 legend);
	}
	compare_points(&c);
	print_table(stdout, &c);
	rc = 0;
	if (outdir && write_outputs(outdir, &c, fmt))
		rc = 1;
out:
	for (int s = 0; s < 2; s++)
		results_free(c.in[s].file);
	free(c.m);
	free(c.only[0]);
	free(c.only[1]);
	return rc;
}
