/* report_html.c - see report_html.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "report_html.h"

/* A JSON value as table text: arrays joined, null as "-". */
static void html_value(FILE *f, const json_t *v)
{
	size_t i;
	const json_t *e;
	char buf[64];

	if (!v || json_is_null(v)) {
		fputs("-", f);
	} else if (json_is_string(v)) {
		html_escape(f, json_string_value(v));
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
		html_escape(f, s);
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
void report_member_table(FILE *f, const struct plot_input *in, size_t nin, const char *member)
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
			html_escape(f, in[i].legend);
			fputs("</th>", f);
		}
		fputs("</tr>\n", f);
	}
	for (size_t r = 0; r < n; r++) {
		fputs("<tr><th>", f);
		html_escape(f, sorted[r]);
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


/* A figure cell: the text shown, the exact value for sorting ("" when not
 * measured: such cells sort last either way). */
static void cell(FILE *f, double v, const char *text)
{
	if (isnan(v))
		fputs("<td data-v=\"\">-</td>", f);
	else
		fprintf(f, "<td data-v=\"%.10g\">%s</td>", v, text);
}

static void cell_num(FILE *f, double v, const char *fmt)
{
	char buf[64];

	fmt_num(v, fmt, buf, sizeof(buf));
	cell(f, v, buf);
}

static void cell_si(FILE *f, double v)
{
	char buf[64];

	fmt_si(v, buf, sizeof(buf));
	cell(f, v, buf);
}

/* The longest wait of any thread (schema 2: per_thread[].max_wait_ns);
 * NaN when the file does not have it. */
static double max_wait(const struct result_point *p)
{
	const json_t *pt = json_object_get(p->json, "per_thread"), *t;
	double m = NAN;
	size_t i;

	json_array_foreach(pt, i, t) {
		double v = results_num(t, "max_wait_ns");
		if (!isnan(v))
			m = isnan(m) ? v : fmax(m, v);
	}
	return m;
}

/* The flags, each explained where it stands (title) and under the table. */
static const struct {
	const char *name, *why;
} flags[] = {
	{ "oversubscribed", "more threads than CPUs: waiters compete with the lock holder for CPU time" },
	{ "noisy", "throughput varies more than 5% (coefficient of variation) over the repeats" },
	{ "machine-changed", "the machine's state (placement regime, CPU speed, other load on its "
			     "CPUs) differed across the repeats and explains their spread" },
	{ "cs-off-target", "the critical sections ran measurably longer or shorter than asked" },
	{ "starved", "a thread made no acquisition in a repeat's window: see its max wait" },
};

static void flag(FILE *f, int k)
{
	fprintf(f, "<span class=\"flag\" title=\"%s\">%s</span> ", flags[k].why, flags[k].name);
}

/* Columns after status, for the colspan of a failed row. */
#define FIGURE_COLUMNS 11

void report_results_table(FILE *f, const struct plot_input *in, size_t nin,
		   const struct plot_request *req)
{
	long threads[64];
	size_t nthreads = 0, npoints = 0;

	fputs("<section id=\"results\"><h2>Results</h2>\n"
	      "<p>Throughput is the median over repeats of acquisitions per second, all threads "
	      "together, with the distribution-free confidence interval of the median; "
	      "&ldquo;-&rdquo; means not measured. Click a column's header to sort by it "
	      "(again to reverse). The same figures are in "
	      "<a href=\"points.tsv\">points.tsv</a>.</p>\n<dl class=\"flags\">", f);
	for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		fprintf(f, "<dt>%s</dt><dd>%s</dd>", flags[k].name, flags[k].why);
	fputs("</dl>\n", f);

	for (size_t i = 0; i < nin; i++)
		for (size_t k = 0; k < in[i].file->npoints; k++) {
			const struct result_point *p = &in[i].file->points[k];
			size_t q = 0;

			if (!results_lock_listed(req->locks, req->nlocks, p->lock))
				continue;
			npoints++;
			while (q < nthreads && threads[q] != p->threads)
				q++;
			if (q == nthreads && nthreads < sizeof(threads) / sizeof(threads[0])) {
				/* Insertion in order. */
				while (q > 0 && threads[q - 1] > p->threads) {
					threads[q] = threads[q - 1];
					q--;
				}
				threads[q] = p->threads;
				nthreads++;
			}
		}
	fputs("<div class=\"filters\"><label>lock <input id=\"filter-lock\" type=\"search\" "
	      "placeholder=\"e.g. mcs, ck-\" title=\"Comma-separated parts of lock names\">"
	      "</label> <label>threads <select id=\"filter-threads\"><option value=\"\">all</option>", f);
	for (size_t q = 0; q < nthreads; q++)
		fprintf(f, "<option>%ld</option>", threads[q]);
	fprintf(f, "</select></label> <span id=\"filter-count\">%zu points</span></div>\n", npoints);

	fputs("<div class=\"scroll\"><table class=\"results\" id=\"results-table\">\n<thead><tr>", f);
	if (nin > 1)
		fputs("<th data-key=\"machine\">machine</th>", f);
	fputs("<th data-key=\"lock\">lock</th><th data-key=\"threads\">threads</th>"
	      "<th data-key=\"cs\">cs (ns)</th><th data-key=\"ncs\">ncs (ns)</th>"
	      "<th data-key=\"pin\">pin</th><th data-key=\"status\">status</th>"
	      "<th data-key=\"throughput\">throughput (acq/s)</th>"
	      "<th data-key=\"ci\" title=\"confidence interval of the median\">CI (acq/s)</th>"
	      "<th data-key=\"cv\" title=\"coefficient of variation over repeats\">cv</th>"
	      "<th data-key=\"jain\" title=\"Jain's fairness index: 1 fair, 1/threads one thread took all\">Jain</th>"
	      "<th data-key=\"min_share\" title=\"the least-served thread's share of acquisitions\">min share</th>"
	      "<th data-key=\"starved\" title=\"threads that starved\">starved</th>"
	      "<th data-key=\"p50\">p50 wait (ns)</th><th data-key=\"p99\">p99 wait (ns)</th>"
	      "<th data-key=\"max_wait\" title=\"longest wait of any thread, one in progress at the deadline included\">max wait (ns)</th>"
	      "<th data-key=\"csw\" title=\"voluntary + involuntary context switches per acquisition\">csw/acq</th>"
	      "<th data-key=\"cycles\" title=\"TSC cycles of the window x threads / acquisitions (wall time)\">cycles/acq</th>"
	      "<th data-key=\"flags\">flags</th></tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < nin; i++) {
		for (size_t k = 0; k < in[i].file->npoints; k++) {
			const struct result_point *p = &in[i].file->points[k];
			const json_t *fair = json_object_get(p->json, "fairness");
			const json_t *starved = json_object_get(fair, "starved_threads");
			char lo[32], hi[32];

			if (!results_lock_listed(req->locks, req->nlocks, p->lock))
				continue;
			fprintf(f, "<tr%s data-lock=\"", p->failed ? " class=\"failed\"" : "");
			html_escape(f, p->lock);
			fprintf(f, "\" data-threads=\"%ld\">", p->threads);
			if (nin > 1) {
				fputs("<td>", f);
				html_escape(f, in[i].legend);
				fputs("</td>", f);
			}
			fputs("<td>", f);
			html_escape(f, p->lock);
			fprintf(f, "</td><td>%ld</td>", p->threads);
			cell_num(f, p->cs_ns, "%g");
			cell_num(f, p->ncs_ns, "%g");
			fputs("<td>", f);
			html_escape(f, p->pin);
			fputs("</td>", f);
			if (p->failed) {
				/* A broken lock's figures are not results: no numbers. */
				fprintf(f, "<td>FAILED</td><td colspan=\"%d\">%ld mutual-exclusion "
					"violation%s</td>", FIGURE_COLUMNS, p->violations,
					p->violations == 1 ? "" : "s");
			} else {
				fputs("<td>ok</td>", f);
				cell_si(f, p->tput);
				fmt_si(p->tput_ci_low, lo, sizeof(lo));
				fmt_si(p->tput_ci_high, hi, sizeof(hi));
				if (isnan(p->tput_ci_low) && isnan(p->tput_ci_high))
					fputs("<td data-v=\"\">-</td>", f);
				else
					fprintf(f, "<td data-v=\"%.10g\">%s &ndash; %s</td>",
						p->tput_ci_low, lo, hi);
				cell_num(f, p->tput_cv, "%.3f");
				cell_num(f, p->jain, "%.3f");
				cell_num(f, p->min_share, "%.3f");
				cell_num(f, json_is_integer(starved) ?
					 (double)json_integer_value(starved) : NAN, "%.0f");
				cell_num(f, p->lat_p50, "%.0f");
				cell_num(f, p->lat_p99, "%.0f");
				cell_num(f, max_wait(p), "%.0f");
				cell_num(f, isnan(p->csw_voluntary) || isnan(p->csw_involuntary) ? NAN :
					 p->csw_voluntary + p->csw_involuntary, "%.3g");
				cell_num(f, p->cycles_per_acq, "%.0f");
			}
			fputs("<td>", f);
			if (p->oversubscribed)
				flag(f, 0);
			if (p->noisy)
				flag(f, 1);
			if (p->machine_changed)
				flag(f, 2);
			if (json_is_true(json_object_get(p->json, "cs_off_target")))
				flag(f, 3);
			if (p->starved_threads > 0)
				flag(f, 4);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</tbody></table></div></section>\n", f);
}

const char report_css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d1d1f;"
	"background:#fff}\n"
	"main{max-width:1900px;margin:0 auto;padding:0 2vw 3em}\n"
	"h1{font-size:1.5em;margin:.6em 0 .2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;"
	"margin-top:1.6em}h3{font-size:1.05em;margin:.8em 0 .3em}\n"
	"#summary{background:#f5f7fa;border-bottom:1px solid #dde3ea;padding:.2em 2vw 1em;"
	"margin:0 -2vw}\n"
	"p.machine{margin:.15em 0;color:#333;font-size:1.02em}p.machine .file{color:#777;font-size:.9em}\n"
	".findings{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));"
	"gap:.8em 1em;margin-top:.6em}\n"
	".finding-group{background:#fff;border:1px solid #e1e6ed;border-left:4px solid #1f77b4;"
	"border-radius:6px;padding:.3em .9em .5em}\n"
	"#finding-1{border-left-color:#9467bd}#finding-2{border-left-color:#d62728}"
	"#finding-3{border-left-color:#e6a000}\n"
	".finding-group h3{margin:.3em 0 .2em}\n"
	".findings ul{margin:.2em 0;padding-left:1.1em}.findings li{margin:.3em 0}"
	".findings li b{font-weight:600}\n"
	"nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #eee;"
	"padding:.4em 0;font-size:.95em}\n"
	"table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #ddd;padding:.2em .5em;"
	"text-align:left;vertical-align:top}\n"
	"table.kv th{background:#f6f6f6;font-weight:600;white-space:nowrap}\n"
	".scroll{overflow-x:auto}\n"
	"table.results td{text-align:right;white-space:nowrap}"
	"table.results td:first-child,table.results td:nth-child(-n+6){text-align:left}\n"
	"table.results thead th{background:#eef1f5;position:sticky;top:2.2em;cursor:pointer;"
	"user-select:none;white-space:nowrap}\n"
	"table.results th[aria-sort=ascending]::after{content:' \\25B2'}"
	"table.results th[aria-sort=descending]::after{content:' \\25BC'}\n"
	"table.results tbody tr:hover td{background:#f6f9ff}\n"
	"tr.failed td{background:#fde8e8;color:#900}\n"
	".flag{display:inline-block;font-size:.8em;padding:0 .35em;border-radius:.6em;"
	"background:#eee;color:#444;cursor:help}\n"
	"dl.flags{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;font-size:.9em;"
	"margin:.4em 0}dl.flags dt{font-weight:600}dl.flags dd{margin:0;color:#444}\n"
	".filters{margin:.6em 0}.filters label{margin-right:1.2em}\n"
	"ul.warnings li{margin:.3em 0}ul.warnings li.bad{color:#a00;font-weight:600}"
	"ul.warnings li.bad li{font-weight:normal}\n"
	"ul.warnings li.info{color:#555}summary{cursor:pointer}\n"
	".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,620px),1fr));"
	"gap:1em 1.5em}\n"
	"figure{margin:0}figure img{width:100%;height:auto;border:1px solid #eee}\n"
	"figure.heatmap img{width:auto;max-width:100%}\n"
	"figcaption{font-size:.85em;color:#444}\n"
	"img.broken{min-height:3em;background:#fde8e8}\n"
	"code{font-size:.95em}\n"
	"@media print{body{font-size:10pt}nav,.filters{display:none}main{max-width:none;padding:0}"
	"#summary{background:none;margin:0;padding:0}"
	".charts{display:block}figure{break-inside:avoid;margin:0 0 1em}"
	"table.results thead th{position:static}section{break-before:auto}"
	"a{color:inherit;text-decoration:none}details>*{display:block}}\n";

/*
 * The page's script, no library, nothing fetched:
 *  - images the browser could not show are marked "chart missing" and
 *    counted on <body data-images, data-broken-images>, and where the first
 *    finding of the summary ends on the screen is noted on <body
 *    data-first-finding-bottom> (for a headless test);
 *  - a click on a header (or Enter on it) sorts the table by that column
 *    (numbers by their exact data-v value, "-" last), again to reverse; a
 *    failed row's figure cells are one colspan, so cells are found by
 *    column position;
 *  - the lock (comma-separated parts of names) and threads filters hide rows;
 *  - a fragment such as #sort=throughput&sort=throughput&lock=mcs does the
 *    same on load (links to a view; the browser test uses it).
 */
const char report_script[] =
	"(function () {\n"
	"'use strict';\n"
	"function cellAt(row, col) {\n"
	"  for (var i = 0, c = 0; i < row.cells.length; i++) {\n"
	"    var span = row.cells[i].colSpan || 1;\n"
	"    if (col < c + span) return span > 1 ? null : row.cells[i];\n"
	"    c += span;\n"
	"  }\n"
	"  return null;\n"
	"}\n"
	"function key(td) {\n"
	"  if (!td) return null;\n"
	"  var v = td.hasAttribute('data-v') ? td.getAttribute('data-v') : td.textContent.trim();\n"
	"  if (v === '' || v === '-') return null;\n"
	"  return /^[-+]?[0-9.]+(e[-+]?[0-9]+)?$/i.test(v) ? parseFloat(v) : v.toLowerCase();\n"
	"}\n"
	"function sortBy(table, th) {\n"
	"  var heads = table.tHead.rows[0].cells, col = th.cellIndex;\n"
	"  var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;\n"
	"  for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');\n"
	"  th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');\n"
	"  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);\n"
	"  var keys = rows.map(function (r, i) { return { r: r, k: key(cellAt(r, col)), i: i }; });\n"
	"  keys.sort(function (a, b) {\n"
	"    if (a.k === null || b.k === null)\n"
	"      return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;\n"
	"    var d = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k :\n"
	"      String(a.k) < String(b.k) ? -1 : String(a.k) > String(b.k) ? 1 : 0;\n"
	"    return d ? dir * d : a.i - b.i;\n"
	"  });\n"
	"  keys.forEach(function (e) { body.appendChild(e.r); });\n"
	"  document.body.setAttribute('data-sorted', th.getAttribute('data-key') + ' ' +\n"
	"    th.getAttribute('aria-sort'));\n"
	"}\n"
	"function filter(table) {\n"
	"  var q = document.getElementById('filter-lock').value.toLowerCase().split(',')\n"
	"    .map(function (s) { return s.trim(); }).filter(function (s) { return s; });\n"
	"  var t = document.getElementById('filter-threads').value, shown = 0;\n"
	"  var rows = table.tBodies[0].rows;\n"
	"  for (var i = 0; i < rows.length; i++) {\n"
	"    var lock = rows[i].getAttribute('data-lock').toLowerCase();\n"
	"    var ok = (!q.length || q.some(function (s) { return lock.indexOf(s) >= 0; })) &&\n"
	"      (!t || rows[i].getAttribute('data-threads') === t);\n"
	"    rows[i].hidden = !ok;\n"
	"    if (ok) shown++;\n"
	"  }\n"
	"  document.getElementById('filter-count').textContent =\n"
	"    shown === rows.length ? rows.length + ' points' : shown + ' of ' + rows.length + ' points';\n"
	"  document.body.setAttribute('data-shown', shown);\n"
	"}\n"
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
	"  var first = document.querySelector('#summary li');\n"
	"  if (first) document.body.setAttribute('data-first-finding-bottom',\n"
	"    Math.round(first.getBoundingClientRect().bottom) + ' of ' + window.innerHeight);\n"
	"  var table = document.getElementById('results-table');\n"
	"  if (!table) return;\n"
	"  var heads = table.tHead.rows[0].cells;\n"
	"  for (var h = 0; h < heads.length; h++) {\n"
	"    heads[h].tabIndex = 0;\n"
	"    heads[h].addEventListener('click', function (e) { sortBy(table, e.currentTarget); });\n"
	"    heads[h].addEventListener('keydown', function (e) {\n"
	"      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, e.currentTarget); }\n"
	"    });\n"
	"  }\n"
	"  var lockIn = document.getElementById('filter-lock');\n"
	"  var threadsIn = document.getElementById('filter-threads');\n"
	"  lockIn.addEventListener('input', function () { filter(table); });\n"
	"  threadsIn.addEventListener('change', function () { filter(table); });\n"
	"  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
	"    var p = kv.split('='), v = decodeURIComponent(p[1] || '');\n"
	"    if (p[0] === 'sort') {\n"
	"      var th = table.querySelector('th[data-key=\"' + v.replace(/[^a-z_]/g, '') + '\"]');\n"
	"      if (th) th.click();\n"
	"    } else if (p[0] === 'lock') {\n"
	"      lockIn.value = v;\n"
	"      filter(table);\n"
	"    } else if (p[0] === 'threads') {\n"
	"      threadsIn.value = v;\n"
	"      filter(table);\n"
	"    }\n"
	"  });\n"
	"});\n"
	"})();\n";
