/*
 * report_page.c - the page of `contend report` (report_html.h): the
 * machines, the configuration, the warnings a reader must see before
 * trusting a figure, the findings, every chart and the table of all points,
 * self-contained (no network, no external style or script).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "findings.h"
#include "report_html.h"
#include "plotting.h"

static void point_name(const struct plot_input *in, size_t nin, const struct result_point *p,
		       FILE *f)
{
	char key[256];

	result_point_key_str(p, key, sizeof(key));
	fputs("<code>", f);
	html_escape(f, key);
	fputs("</code>", f);
	if (nin > 1) {
		fputs(" on ", f);
		html_escape(f, in->legend);
	}
}

/* The kinds of point warning, worst first: failed points invalidate
 * figures, the rest qualify them. */
enum warn_kind { W_FAILED, W_STARVED, W_NOISY, W_CHANGED, W_MIGRATED, W_KINDS };

static bool point_warns(enum warn_kind k, const struct result_point *p)
{
	switch (k) {
	case W_FAILED: return p->failed;
	case W_STARVED: return p->starved_threads > 0;
	case W_NOISY: return p->noisy;
	case W_CHANGED: return p->machine_changed;
	case W_MIGRATED: return p->migrations > 0 && strcmp(p->pin, "none") != 0;
	case W_KINDS: break;
	}
	return false;
}

/* The folded line of one point under its kind. */
static void point_warning(FILE *f, enum warn_kind k, const struct plot_input *in, size_t nin,
			  const struct result_point *p)
{
	char buf[64];

	fputs("<li>", f);
	point_name(in, nin, p, f);
	switch (k) {
	case W_FAILED:
		fprintf(f, ": %ld violation%s", p->violations, p->violations == 1 ? "" : "s");
		break;
	case W_STARVED:
		fprintf(f, ": %ld thread-window%s without an acquisition", p->starved_threads,
			p->starved_threads == 1 ? "" : "s");
		break;
	case W_NOISY:
		fmt_num(p->tput_cv, "%.3f", buf, sizeof(buf));
		fprintf(f, ": cv %s", buf);
		break;
	case W_MIGRATED:
		fprintf(f, ": %ld thread%s moved", p->migrations, p->migrations == 1 ? "" : "s");
		break;
	default:
		break;
	}
	fputs("</li>\n", f);
}

static const char *const warn_head[W_KINDS] = {
	[W_FAILED] = "FAILED: %zu point%s saw mutual-exclusion violations; their figures are "
		     "those of a broken lock and are not shown as results.",
	[W_STARVED] = "Starved: %zu point%s where a thread made no acquisition in a repeat's "
		      "window; no percentile shows such a thread (see per_thread[].max_wait_ns).",
	[W_NOISY] = "Noisy: %zu point%s with a coefficient of variation over 0.05 across "
		    "repeats; read their figures with their intervals.",
	[W_CHANGED] = "Machine changed: %zu point%s where the machine's state explains the "
		      "spread (placement regime, CPU speed or other load differed across the "
		      "repeats).",
	[W_MIGRATED] = "Migrations: %zu point%s where threads ended on another CPU than planned.",
};

/* Everything a reader must know before trusting a figure: one line per kind
 * with its count, the points folded under it. */
static void warnings(FILE *f, const struct plot_input *in, size_t nin,
		     const struct plot_request *req, const struct chart_set *set)
{
	size_t lines = 0, nhw = 0;

	fputs("<section id=\"warnings\"><h2>Warnings</h2>\n<ul class=\"warnings\">\n", f);
	size_t nincomplete = 0;
	for (size_t i = 0; i < nin; i++)
		nincomplete += !in[i].file->complete;
	if (nincomplete) {
		/* One line, however many files: the files folded under it. */
		fprintf(f, "<li class=\"warn bad\"><details><summary>Incomplete sweep: %zu of %zu "
			"file%s interrupted; %s only the points whose every repeat finished."
			"</summary>\n<ul>\n", nincomplete, nin, nin == 1 ? " was" : "s were",
			nincomplete == 1 ? "it holds" : "they hold");
		for (size_t i = 0; i < nin; i++) {
			const struct results_file *rf = in[i].file;

			if (rf->complete)
				continue;
			fputs("<li><code>", f);
			html_escape(f, rf->path);
			fputs("</code> was interrupted", f);
			if (rf->interrupted_by) {
				fputs(" by ", f);
				html_escape(f, rf->interrupted_by);
			}
			fputs("</li>\n", f);
		}
		fputs("</ul></details></li>\n", f);
		lines++;
	}
	for (enum warn_kind k = 0; k < W_KINDS; k++) {
		size_t n = 0;

		for (size_t i = 0; i < nin; i++)
			for (size_t j = 0; j < in[i].file->npoints; j++) {
				const struct result_point *p = &in[i].file->points[j];
				n += results_lock_listed(req->locks, req->nlocks, p->lock) && point_warns(k, p);
			}
		if (!n)
			continue;
		fprintf(f, "<li class=\"warn%s\"><details><summary>", k == W_FAILED ? " bad" : "");
		fprintf(f, warn_head[k], n, n == 1 ? "" : "s");
		fputs("</summary>\n<ul>\n", f);
		for (size_t i = 0; i < nin; i++)
			for (size_t j = 0; j < in[i].file->npoints; j++) {
				const struct result_point *p = &in[i].file->points[j];
				if (results_lock_listed(req->locks, req->nlocks, p->lock) && point_warns(k, p))
					point_warning(f, k, &in[i], nin, p);
			}
		fputs("</ul></details></li>\n", f);
		lines++;
	}
	for (size_t i = 0; i < nin; i++) {
		const json_t *perf = json_object_get(json_object_get(in[i].file->root, "meta"), "perf");
		nhw += json_string_value(json_object_get(perf, "hardware_unavailable_reason")) != NULL;
	}
	if (nhw) {
		fputs("<li class=\"warn info\"><details><summary>Hardware counters not measured", f);
		if (nin > 1)
			fprintf(f, " on %zu of %zu machines", nhw, nin);
		fputs(" (cycles, instructions, cache misses are &ldquo;-&rdquo;)</summary>\n<ul>\n", f);
		for (size_t i = 0; i < nin; i++) {
			const json_t *perf = json_object_get(json_object_get(in[i].file->root, "meta"), "perf");
			const char *why = json_string_value(json_object_get(perf, "hardware_unavailable_reason"));
			if (!why)
				continue;
			fputs("<li>", f);
			html_escape(f, in[i].legend);
			fputs(": ", f);
			html_escape(f, why);
			fputs("</li>\n", f);
		}
		fputs("</ul></details></li>\n", f);
		lines++;
	}
	if (set->nnotes) {
		fprintf(f, "<li class=\"warn info\"><details><summary>%zu chart%s not drawn: nothing "
			"measured to draw</summary>\n<ul>\n", set->nnotes, set->nnotes == 1 ? "" : "s");
		for (size_t i = 0; i < set->nnotes; i++) {
			fputs("<li>", f);
			html_escape(f, set->notes[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul></details></li>\n", f);
		lines++;
	}
	if (!lines)
		fputs("<li class=\"info\">None.</li>\n", f);
	fputs("</ul></section>\n", f);
}

/* One finding; what it is about (the words before its first ": ", when
 * short, e.g. "8 threads, cs 100 ns") in bold, for the eye to scan. */
static void finding_item(FILE *f, const char *text, bool prefixed)
{
	/* With several files a finding starts with its machine: "alpha: ". */
	const char *colon = strstr(text, ": ");
	if (prefixed && colon && strstr(colon + 2, ": ") && strstr(colon + 2, ": ") - text <= 80)
		colon = strstr(colon + 2, ": ");

	fputs("<li>", f);
	if (colon && colon - text <= 80) {
		char *lead = strndup(text, (size_t)(colon - text));

		fputs("<b>", f);
		html_escape(f, lead ? lead : "");
		fputs("</b>", f);
		free(lead);
		text = colon;
	}
	html_escape(f, text);
	fputs("</li>\n", f);
}

/* The page's first screen: what the sweep shows, in sentences computed
 * from the data (findings.c), under the machine it ran on. */
static int summary(FILE *f, const struct plot_input *in, size_t nin,
		   const struct plot_request *req)
{
	const json_t **docs = calloc(nin, sizeof(*docs));
	const char **names = calloc(nin, sizeof(*names));
	struct findings fd;

	if (!docs || !names) {
		free(docs);
		free(names);
		return -1;
	}
	for (size_t i = 0; i < nin; i++) {
		docs[i] = in[i].file->root;
		names[i] = in[i].legend;
	}
	int rc = findings_compute(docs, names, nin, req->locks, req->nlocks, &fd);
	free(docs);
	free(names);
	if (rc)
		return -1;
	fputs("<section id=\"summary\">\n<h1>Lock contention report</h1>\n", f);
	for (size_t i = 0; i < fd.nmachines; i++) {
		fputs("<p class=\"machine\">", f);
		html_escape(f, fd.machines[i]);
		fputs(" <span class=\"file\">(<code>", f);
		html_escape(f, in[i].file->path);
		fputs("</code>)</span></p>\n", f);
	}
	fputs("<div class=\"findings\">\n", f);
	for (int k = 0; k < FINDING_KINDS; k++) {
		bool any = false;

		for (size_t i = 0; i < fd.n; i++) {
			if ((int)fd.items[i].kind != k)
				continue;
			if (!any)
				fprintf(f, "<div class=\"finding-group\" id=\"finding-%d\"><h3>%s</h3>\n<ul>\n",
					k, finding_kind_title(k));
			any = true;
			finding_item(f, fd.items[i].text, nin > 1);
		}
		if (any)
			fputs("</ul></div>\n", f);
	}
	fputs("</div>\n</section>\n", f);
	findings_free(&fd);
	return 0;
}

/* The charts by what they show; a chart goes to the first section whose
 * image name starts with the prefix (heatmaps by their flag). */
static const struct {
	const char *id, *nav, *title, *prefix, *note;
} chart_sections[] = {
	{ "heatmaps", "heatmaps", "Heatmaps", NULL,
	  "Each column is one scenario; the colour says how far a lock is from the "
	  "fastest lock of that column (log scale), the cell its throughput. With "
	  "several files, the ratio heatmap compares each with the first." },
	{ "throughput", "throughput", "Throughput", "throughput-",
	  "Median acquisitions per second with the confidence interval of the "
	  "median as error bars. Past 8 locks, one chart per family (spin, queue, "
	  "sleeping, baselines and peers), with an overview of each family's best first." },
	{ "fairness", "fairness", "Fairness", "fairness-",
	  "Jain's index over per-thread acquisitions: 1 is fair, 1/threads means one "
	  "thread took every acquisition." },
	{ "latency", "latency", "Acquire latency", "latency-", "99th percentile of the time in lock()." },
	{ "csw", "context switches", "Context switches", "csw-",
	  "Voluntary and involuntary context switches per acquisition: sleeping "
	  "locks switch voluntarily; preempted spinners involuntarily." },
	{ "cycles", "cycles", "Cycles per acquisition", "cycles-",
	  "TSC cycles of the window times threads over acquisitions: the wall "
	  "time the machine pays per hand-over." },
};

static bool in_section(const struct chart *ch, size_t s)
{
	if (!chart_sections[s].prefix)
		return ch->heatmap;
	return !ch->heatmap && strncmp(ch->image, chart_sections[s].prefix,
				       strlen(chart_sections[s].prefix)) == 0;
}

static bool section_has(const struct chart_set *set, size_t s)
{
	for (size_t i = 0; i < set->n; i++)
		if (in_section(&set->charts[i], s))
			return true;
	return false;
}

static void figure(FILE *f, const struct chart *ch)
{
	/* Width and height as the templates draw them, so the page does not
	 * reflow while images load. */
	fprintf(f, "<figure%s><img src=\"", ch->heatmap ? " class=\"heatmap\"" : "");
	html_escape(f, ch->image);
	fprintf(f, "\" width=\"%d\" height=\"%d\" alt=\"", ch->width, ch->height);
	html_escape(f, ch->title);
	fputs("\"><figcaption>", f);
	html_escape(f, ch->title);
	fputs(" &middot; <a href=\"", f);
	html_escape(f, ch->tsv);
	fputs("\">data</a></figcaption></figure>\n", f);
}

static void charts(FILE *f, const struct chart_set *set)
{
	fputs("<section id=\"charts\"><h2>Charts</h2>\n<p>Shaded: more threads than CPUs "
	      "(oversubscribed); ringed points are oversubscribed; red crosses mark failed "
	      "points. A lock has the same colour and marker on every chart. Each chart's "
	      "data is a TSV file and a gnuplot driver beside it (<code>gnuplot "
	      "NAME.gp</code> redraws it).</p>\n", f);
	for (size_t s = 0; s < sizeof(chart_sections) / sizeof(chart_sections[0]); s++) {
		if (!section_has(set, s))
			continue;
		fprintf(f, "<section id=\"%s\"><h3>%s</h3>\n<p>%s</p>\n<div class=\"charts\">\n",
			chart_sections[s].id, chart_sections[s].title, chart_sections[s].note);
		/* Overviews (each family's best) first. */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < set->n; i++) {
				const struct chart *ch = &set->charts[i];
				bool best = strstr(ch->image, "-best.") != NULL;

				if (in_section(ch, s) && best == (pass == 0))
					figure(f, ch);
			}
		fputs("</div></section>\n", f);
	}
	fputs("</section>\n", f);
}

int report_write_page(const char *path, const struct plot_input *in, size_t nin,
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
		html_escape(f, in[i].legend);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n<script>\n%s</script>\n</head>\n<body>\n<main>\n",
		report_css, report_script);
	if (summary(f, in, nin, req))
		return -1;
	fputs("<nav><a href=\"#summary\">Summary</a> &middot; <a href=\"#warnings\">Warnings</a> "
	      "&middot; <a href=\"#charts\">Charts</a>", f);
	for (size_t s = 0; s < sizeof(chart_sections) / sizeof(chart_sections[0]); s++)
		if (section_has(set, s))
			fprintf(f, " (<a href=\"#%s\">%s</a>)", chart_sections[s].id,
				chart_sections[s].nav);
	fputs(" &middot; <a href=\"#results\">Results</a> &middot; <a href=\"#machine\">Machine</a> "
	      "&middot; <a href=\"#config\">Configuration</a></nav>\n", f);

	warnings(f, in, nin, req, set);
	charts(f, set);
	report_results_table(f, in, nin, req);
	fputs("<section id=\"machine\"><h2>Machine</h2>\n", f);
	report_member_table(f, in, nin, "meta");
	fputs("<h3>Tool</h3>\n", f);
	report_member_table(f, in, nin, "tool");
	fputs("</section>\n<section id=\"config\"><h2>Configuration</h2>\n", f);
	report_member_table(f, in, nin, "config");
	fputs("</section>\n", f);

	fprintf(f, "<footer><p>Written by %s %s.</p></footer>\n</main>\n</body>\n</html>\n",
		PACKAGE_NAME, PACKAGE_VERSION);
	return fclose(f) == 0 ? 0 : -1;
}
