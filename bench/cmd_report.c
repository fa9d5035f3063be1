/*
 * cmd_report.c - `contend report`: one self-contained HTML page (no network,
 * no external style or script) with the machines, the configuration, the
 * warnings a reader must see before trusting a figure, every chart and the
 * table of all points. The charts are files beside index.html.
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

static void html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A JSON value as table text: arrays joined, null as "-". */
static void html_value(FILE *f, const json_t *v)
{
	size_t i;
	const json_t *e;
	char buf[64];

	if (!v || json_is_null(v)) {
		fputs("-", f);
	} else if (json_is_string(v)) {
		html(f, json_string_value(v));
	} else if (json_is_integer(v)) {
		fprintf(f, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.10g", json_real_value(v));
		fputs(buf, f);
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "yes" : "no", f);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			if (i)
				fputs(", ", f);
			html_value(f, e);
		}
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		html(f, s);
		free(s);
	}
}

/* Flatten nested objects into "a.b.c" keys of OUT (values borrowed). */
static void flatten(const json_t *obj, const char *prefix, json_t *out)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v) {
		char key[256];

		snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", k);
		if (json_is_object(v))
			flatten(v, key, out);
		else
			json_object_set(out, key, v);
	}
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A table of one top-level member (meta, config) of each input, side by
 * side: the union of their keys, sorted, so a key only one file has shows
 * "-" for the others. */
static void member_table(FILE *f, const struct plot_input *in, size_t nin, const char *member)
{
	json_t **flat = calloc(nin, sizeof(*flat));
	json_t *keys = json_object();
	const char **sorted;
	const char *k;
	json_t *v;
	size_t n = 0;

	for (size_t i = 0; i < nin; i++) {
		flat[i] = json_object();
		flatten(json_object_get(in[i].file->root, member), "", flat[i]);
		json_object_foreach(flat[i], k, v)
			json_object_set_new(keys, k, json_true());
	}
	sorted = calloc(json_object_size(keys) + 1, sizeof(*sorted));
	json_object_foreach(keys, k, v)
		sorted[n++] = k;
	qsort(sorted, n, sizeof(*sorted), cmp_str_ptr);

	fputs("<table class=\"kv\">\n", f);
	if (nin > 1) {
		fputs("<tr><th></th>", f);
		for (size_t i = 0; i < nin; i++) {
			fputs("<th>", f);
			html(f, in[i].legend);
			fputs("</th>", f);
		}
		fputs("</tr>\n", f);
	}
	for (size_t r = 0; r < n; r++) {
		fputs("<tr><th>", f);
		html(f, sorted[r]);
		fputs("</th>", f);
		for (size_t i = 0; i < nin; i++) {
			fputs("<td>", f);
			html_value(f, json_object_get(flat[i], sorted[r]));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	for (size_t i = 0; i < nin; i++)
		json_decref(flat[i]);
	free(flat);
	free(sorted);
	json_decref(keys);
}

static bool lock_selected(const char *const *locks, size_t n, const char *lock)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(locks[i], lock) == 0)
			return true;
	return false;
}

static void point_name(const struct plot_input *in, size_t nin, const struct result_point *p,
		       FILE *f)
{
	char key[256];

	result_point_key_str(p, key, sizeof(key));
	fputs("<code>", f);
	html(f, key);
	fputs("</code>", f);
	if (nin > 1) {
		fputs(" on ", f);
		html(f, in->legend);
	}
}

/* One warning of kind PASS (0 failed, 1 noisy, 2 machine changed, 3 migrated)
 * about P, if it applies; returns 1 when written. */
static int point_warning(FILE *f, int pass, const struct plot_input *in, size_t nin,
			 const struct result_point *p, const struct plot_request *req)
{
	char buf[64];

	if (!lock_selected(req->locks, req->nlocks, p->lock))
		return 0;
	switch (pass) {
	case 0:
		if (!p->failed)
			return 0;
		fputs("<li class=\"bad\">FAILED: ", f);
		point_name(in, nin, p, f);
		fprintf(f, " saw %ld mutual-exclusion violation%s; its figures are those of a "
			"broken lock and are not shown as results.</li>\n",
			p->violations, p->violations == 1 ? "" : "s");
		return 1;
	case 1:
		if (!p->noisy)
			return 0;
		fputs("<li>Noisy: ", f);
		point_name(in, nin, p, f);
		fmt_num(p->tput_cv, "%.3f", buf, sizeof(buf));
		fprintf(f, " has a coefficient of variation of %s over its repeats "
			"(more than 0.05).</li>\n", buf);
		return 1;
	case 2:
		if (!p->machine_changed)
			return 0;
		fputs("<li>Machine changed: ", f);
		point_name(in, nin, p, f);
		{
			const char *why = json_string_value(json_object_get(p->json, "machine_note"));
			fputs(": the machine's state differed across its repeats and explains "
			      "their spread", f);
			if (why) {
				fputs(" (", f);
				html(f, why);
				fputs(")", f);
			}
			fputs(".</li>\n", f);
		}
		return 1;
	default:
		if (p->migrations <= 0 || strcmp(p->pin, "none") == 0)
			return 0;
		fputs("<li>Migrations: ", f);
		point_name(in, nin, p, f);
		fprintf(f, ": %ld thread%s ended on another CPU than planned.</li>\n",
			p->migrations, p->migrations == 1 ? "" : "s");
		return 1;
	}
}

/* Everything a reader must know before trusting a figure, first. */
static void warnings(FILE *f, const struct plot_input *in, size_t nin,
		     const struct plot_request *req, const struct chart_set *set)
{
	size_t count = 0;

	fputs("<section id=\"warnings\"><h2>Warnings</h2>\n<ul class=\"warnings\">\n", f);
	for (size_t i = 0; i < nin; i++) {
		const struct results_file *rf = in[i].file;
		const json_t *perf = json_object_get(json_object_get(rf->root, "meta"), "perf");
		const char *hw_reason = json_string_value(json_object_get(perf, "hardware_unavailable_reason"));

		if (!rf->complete) {
			fputs("<li class=\"bad\">Incomplete sweep: ", f);
			html(f, rf->path);
			fputs(" was interrupted", f);
			if (rf->interrupted_by) {
				fputs(" by ", f);
				html(f, rf->interrupted_by);
			}
			fputs("; it holds only the points whose every repeat finished.</li>\n", f);
			count++;
		}
		/* Failed points first: they invalidate figures, the rest qualify them. */
		for (int pass = 0; pass < 4; pass++)
			for (size_t k = 0; k < rf->npoints; k++)
				count += point_warning(f, pass, &in[i], nin, &rf->points[k], req);
		if (hw_reason) {
			fputs("<li class=\"info\">Hardware counters not measured on ", f);
			html(f, in[i].legend);
			fputs(": ", f);
			html(f, hw_reason);
			fputs("</li>\n", f);
			count++;
		}
	}
	for (size_t i = 0; i < set->nnotes; i++) {
		fputs("<li class=\"info\">", f);
		html(f, set->notes[i]);
		fputs("</li>\n", f);
		count++;
	}
	if (!count)
		fputs("<li class=\"info\">None.</li>\n", f);
	fputs("</ul></section>\n", f);
}

static void cell_num(FILE *f, double v, const char *fmt)
{
	char buf[64];

	fmt_num(v, fmt, buf, sizeof(buf));
	fprintf(f, "<td>%s</td>", buf);
}

static void cell_si(FILE *f, double v)
{
	char buf[64];

	fmt_si(v, buf, sizeof(buf));
	fprintf(f, "<td>%s</td>", buf);
}

static void results_table(FILE *f, const struct plot_input *in, size_t nin,
			  const struct plot_request *req)
{
	fputs("<section id=\"results\"><h2>Results</h2>\n"
	      "<p>Throughput is the median over repeats of acquisitions per second, all threads "
	      "together, with the distribution-free confidence interval of the median and the "
	      "level it reaches over the repeats ([min, max] of 5 repeats: 93.8%; of 6: 96.9%); "
	      "&ldquo;-&rdquo; means not measured. The same figures are in "
	      "<a href=\"points.tsv\">points.tsv</a>.</p>\n"
	      "<table class=\"results\">\n<thead><tr>", f);
	if (nin > 1)
		fputs("<th>machine</th>", f);
	fputs("<th>lock</th><th>threads</th><th>cs ns</th><th>ncs ns</th><th>pin</th>"
	      "<th>status</th><th>acq/s</th><th>CI (level)</th><th>cv</th><th>Jain</th>"
	      "<th>p50 ns</th><th>p99 ns</th><th>csw/acq</th><th>cycles/acq</th><th>notes</th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < nin; i++) {
		for (size_t k = 0; k < in[i].file->npoints; k++) {
			const struct result_point *p = &in[i].file->points[k];
			char lo[32], hi[32];

			if (!lock_selected(req->locks, req->nlocks, p->lock))
				continue;
			fprintf(f, "<tr%s>", p->failed ? " class=\"failed\"" : "");
			if (nin > 1) {
				fputs("<td>", f);
				html(f, in[i].legend);
				fputs("</td>", f);
			}
			fputs("<td>", f);
			html(f, p->lock);
			fprintf(f, "</td><td>%ld</td>", p->threads);
			cell_num(f, p->cs_ns, "%g");
			cell_num(f, p->ncs_ns, "%g");
			fputs("<td>", f);
			html(f, p->pin);
			fputs("</td>", f);
			if (p->failed) {
				/* A broken lock's figures are not results: no numbers. */
				fprintf(f, "<td>FAILED</td><td colspan=\"9\">%ld mutual-exclusion "
					"violation%s</td>", p->violations, p->violations == 1 ? "" : "s");
			} else {
				fputs("<td>ok</td>", f);
				cell_si(f, p->tput);
				fmt_si(p->tput_ci_low, lo, sizeof(lo));
				fmt_si(p->tput_ci_high, hi, sizeof(hi));
				if ((isnan(p->tput_ci_low) && isnan(p->tput_ci_high)) || p->repeats < 2)
					fputs("<td>&ndash; (one repeat)</td>", f);
				else if (isfinite(p->tput_ci_level))
					fprintf(f, "<td>%s &ndash; %s (%.3g%%)</td>", lo, hi,
						100 * p->tput_ci_level);
				else
					fprintf(f, "<td>%s &ndash; %s</td>", lo, hi);
				cell_num(f, p->tput_cv, "%.3f");
				cell_num(f, p->jain, "%.3f");
				cell_num(f, p->lat_p50, "%.0f");
				cell_num(f, p->lat_p99, "%.0f");
				cell_num(f, isnan(p->csw_voluntary) || isnan(p->csw_involuntary) ? NAN :
					 p->csw_voluntary + p->csw_involuntary, "%.3g");
				cell_num(f, p->cycles_per_acq, "%.0f");
			}
			fprintf(f, "<td>%s%s%s", p->oversubscribed ? "oversubscribed " : "",
				p->noisy ? "noisy " : "", p->machine_changed ? "machine-changed" : "");
			/* Repeats in several placement regimes: each one's median. */
			const json_t *rg = json_object_get(p->json, "regimes"), *r;
			size_t ri;
			json_array_foreach(rg, ri, r) {
				char med[32];
				fmt_si(results_num(r, "median"), med, sizeof(med));
				fprintf(f, "%sregime %.0f ns: %s &times;%lld", ri ? "; " : " ",
					results_num(r, "rtt_ns"), med,
					(long long)json_integer_value(json_object_get(r, "repeats")));
			}
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</tbody></table></section>\n", f);
}

static const char report_css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
	"max-width:1100px;padding:0 1em;color:#222;background:#fff}\n"
	"h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
	"table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #ddd;padding:.2em .5em;"
	"text-align:left;vertical-align:top}\n"
	"table.kv th{background:#f6f6f6;font-weight:600;white-space:nowrap}\n"
	"table.results td{text-align:right}table.results td:nth-child(-n+6){text-align:left}\n"
	"table.results thead th{background:#f0f0f0;position:sticky;top:0}\n"
	"tr.failed td{background:#fde8e8;color:#900}\n"
	"ul.warnings li{margin:.3em 0}ul.warnings li.bad{color:#a00;font-weight:600}\n"
	"ul.warnings li.info{color:#555}\n"
	"figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
	"figcaption{font-size:.9em;color:#444}\n"
	"img.broken{min-height:3em;background:#fde8e8}\n"
	"code{font-size:.95em}\n";

/* Marks images the browser could not show, so a reader sees "chart missing"
 * and a headless test can count them (data-broken-images on <body>). */
static const char report_script[] =
	"window.addEventListener('load', function () {\n"
	"  var imgs = document.images, broken = 0;\n"
	"  for (var i = 0; i < imgs.length; i++) {\n"
	"    if (!imgs[i].complete || imgs[i].naturalWidth === 0) {\n"
	"      broken++;\n"
	"      imgs[i].classList.add('broken');\n"
	"      imgs[i].alt = 'chart missing: ' + imgs[i].getAttribute('src');\n"
	"    }\n"
	"  }\n"
	"  document.body.setAttribute('data-images', imgs.length);\n"
	"  document.body.setAttribute('data-broken-images', broken);\n"
	"});\n";

static int write_html(const char *path, const struct plot_input *in, size_t nin,
		      const struct plot_request *req, const struct chart_set *set)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>contend report: ", f);
	for (size_t i = 0; i < nin; i++) {
		if (i)
			fputs(", ", f);
		html(f, in[i].legend);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n<script>\n%s</script>\n</head>\n<body>\n",
		report_css, report_script);
	fputs("<h1>Lock contention report</h1>\n<p>", f);
	for (size_t i = 0; i < nin; i++) {
		fputs(i ? "<br>\n" : "", f);
		html(f, in[i].label);
		fputs(", sweep of ", f);
		html(f, in[i].file->timestamp);
		fputs(" (<code>", f);
		html(f, in[i].file->path);
		fputs("</code>)", f);
	}
	fputs("</p>\n<nav><a href=\"#warnings\">Warnings</a> &middot; <a href=\"#charts\">Charts</a> "
	      "&middot; <a href=\"#results\">Results</a> &middot; <a href=\"#machine\">Machine</a> "
	      "&middot; <a href=\"#config\">Configuration</a></nav>\n", f);

	warnings(f, in, nin, req, set);

	fputs("<section id=\"charts\"><h2>Charts</h2>\n<p>Shaded: more threads than CPUs "
	      "(oversubscribed); ringed points are oversubscribed; red crosses mark failed "
	      "points. Each chart's data is a TSV file and a gnuplot driver beside it.</p>\n", f);
	for (size_t i = 0; i < set->n; i++) {
		const struct chart *ch = &set->charts[i];
		/* Width and height as the templates draw them, so the page does
		 * not reflow while images load. */
		fputs("<figure><img src=\"", f);
		html(f, ch->image);
		fputs("\" width=\"1000\" height=\"560\" alt=\"", f);
		html(f, ch->title);
		fputs("\"><figcaption>", f);
		html(f, ch->title);
		fputs(" &middot; <a href=\"", f);
		html(f, ch->tsv);
		fputs("\">data</a></figcaption></figure>\n", f);
	}
	fputs("</section>\n", f);

	results_table(f, in, nin, req);
	fputs("<section id=\"machine\"><h2>Machine</h2>\n", f);
	member_table(f, in, nin, "meta");
	fputs("<h3>Tool</h3>\n", f);
	member_table(f, in, nin, "tool");
	fputs("</section>\n<section id=\"config\"><h2>Configuration</h2>\n", f);
	member_table(f, in, nin, "config");
	fputs("</section>\n", f);

	fprintf(f, "<footer><p>Written by %s %s.</p></footer>\n</body>\n</html>\n",
		PACKAGE_NAME, PACKAGE_VERSION);
	return fclose(f) == 0 ? 0 : -1;
}

int cmd_report(int argc, char **argv)
{
	struct plot_request req = { .format = PLOT_SVG, .x = AXIS_THREADS, .cs_chart = true };
	const char *outdir = NULL;
	char *locks = NULL, err[PATH_MAX + 256], path[PATH_MAX];
	const char **lock_list = NULL;
	struct plot_input *in = NULL;
	struct staged_dir sd;
	struct chart_set set = { 0 };
	size_t nin = 0;
	int c, rc = 1;

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
	nin = (size_t)(argc - optind);
	in = calloc(nin, sizeof(*in));
	if (!in) {
		cli_error("out of memory");
		return 1;
	}
	for (size_t i = 0; i < nin; i++) {
		in[i].file = results_load(argv[optind + i], err, sizeof(err));
		if (!in[i].file) {
			cli_error("%s", err);
			goto out;
		}
	}
	plot_inputs_name(in, nin);
	if (locks) {
		lock_list = plot_parse_locks(locks, in, nin, &req.nlocks, err, sizeof(err));
		req.locks = lock_list;
		if (!lock_list) {
			cli_usage_error("%s", err);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (plot_find_gnuplot(path, sizeof(path), err, sizeof(err)) ||
	    plot_find_templates(path, sizeof(path), err, sizeof(err)) ||
	    staged_dir_begin(&sd, outdir, err, sizeof(err))) {
		cli_error("%s", err);
		goto out;
	}
	if (plot_charts(sd.tmp, in, nin, &req, &set, err, sizeof(err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/index.html", sd.tmp);
	if (write_html(path, in, nin, &req, &set)) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (staged_dir_commit(&sd, err, sizeof(err)))
		goto fail;
	printf("%s/index.html (%zu charts)\n", sd.target, set.n);
	staged_dir_abort(&sd);   /* frees the names; the directory is committed */
	rc = 0;
	goto out;
fail:
	cli_error("%s", err);
	staged_dir_abort(&sd);
out:
	chart_set_free(&set);
	free(lock_list);
	for (size_t i = 0; i < nin; i++)
		results_free(in[i].file);
	free(in);
	return rc;
}
