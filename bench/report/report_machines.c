/* report_machines.c - report's section on several machines (report_machines.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "html.h"
#include "platform.h"
#include "report_machines.h"

/* Flips named per pair of machines; the rest are counted. */
#define MAX_FLIPS_NAMED 12
/* Efficiencies this far apart between two machines get a sentence. */
#define EFFICIENCY_GAP 2.0

bool report_machines_several(const struct plot_input *in, size_t nin)
{
	for (size_t i = 1; i < nin; i++)
		if (!platform_same_machine(in[0].file, in[i].file))
			return true;
	return false;
}

static void identity_table(FILE *f, const struct plot_input *in, size_t nin)
{
	struct platform_item it[PLATFORM_ITEMS], other[PLATFORM_ITEMS];
	size_t n = platform_identity(in[0].file, in[0].file, it);
	bool differs[PLATFORM_ITEMS] = { false };

	for (size_t i = 1; i < nin; i++) {
		platform_identity(in[0].file, in[i].file, other);
		for (size_t k = 0; k < n; k++)
			differs[k] |= other[k].differs;
	}
	fputs("<table class=\"machines\"><thead><tr><th>what differs</th>", f);
	for (size_t i = 0; i < nin; i++) {
		fputs("<th>", f);
		html_escape(f, in[i].legend);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
	for (size_t k = 0; k < n; k++) {
		if (!differs[k])
			continue;
		fputs("<tr><th>", f);
		html_escape(f, it[k].what);
		fputs("</th>", f);
		for (size_t i = 0; i < nin; i++) {
			platform_identity(in[0].file, in[i].file, other);
			fputs("<td>", f);
			html_escape(f, other[k].value[1]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n<p class=\"same\">The same on all: ", f);
	bool any = false;
	for (size_t k = 0; k < n; k++)
		if (!differs[k]) {
			fputs(any ? "; " : "", f);
			html_escape(f, it[k].what);
			fputs(" ", f);
			html_escape(f, it[k].value[0]);
			any = true;
		}
	fputs(any ? ".</p>\n" : "nothing recorded.</p>\n", f);
}

static void item(FILE *f, const char *lead, const char *text)
{
	fputs("<li><b>", f);
	html_escape(f, lead);
	fputs("</b>: ", f);
	html_escape(f, text);
	fputs("</li>\n", f);
}

/* Machine I against the first over the points both ran and both passed. */
static void throughput_ratio(FILE *f, const struct plot_input *in, size_t i,
			     const struct plot_request *req)
{
	const struct results_file *a = in[0].file, *b = in[i].file;
	double logsum = 0, lo = INFINITY, hi = 0;
	size_t n = 0;
	char lead[300], text[400];

	for (size_t p = 0; p < a->npoints; p++) {
		const struct result_point *pa = &a->points[p];
		if (!results_lock_listed(req->locks, req->nlocks, pa->lock) || pa->failed ||
		    !(pa->tput > 0))
			continue;
		for (size_t q = 0; q < b->npoints; q++) {
			const struct result_point *pb = &b->points[q];
			if (!result_point_same_key(pa, pb) || pb->failed || !(pb->tput > 0))
				continue;
			double r = pb->tput / pa->tput;
			logsum += log(r);
			lo = fmin(lo, r);
			hi = fmax(hi, r);
			n++;
			break;
		}
	}
	snprintf(lead, sizeof(lead), "%s against %s", in[i].legend, in[0].legend);
	if (!n)
		snprintf(text, sizeof(text), "no point measured on both");
	else
		snprintf(text, sizeof(text), "%.2fx the throughput over the %zu point%s both ran "
			 "(geometric mean; from %.2fx to %.2fx)", exp(logsum / (double)n), n,
			 n == 1 ? "" : "s", lo, hi);
	item(f, lead, text);
}

/* Whether F ran THREADS threads in the scenario of LIKE, and with how
 * many CPUs: 1 within its CPUs, 2 oversubscribed, 0 not at all. */
static int ran(const struct results_file *f, const struct result_point *like, long threads)
{
	for (size_t i = 0; i < f->npoints; i++)
		if (f->points[i].threads == threads && platform_same_scenario(&f->points[i], like))
			return f->points[i].oversubscribed ? 2 : 1;
	return 0;
}

/* Per scenario of the first machine: the largest thread count above 1 that
 * every machine ran, within its CPUs where there is one (past the CPUs the
 * scheduler's time slices, not the lock, set the figure), each listed
 * lock's efficiency there on each machine, and a sentence for a lock whose
 * efficiency differs EFFICIENCY_GAP-fold. */
static void efficiencies(FILE *f, const struct plot_input *in, size_t nin,
			 const struct plot_request *req)
{
	const struct results_file *a = in[0].file;

	for (size_t s = 0; s < a->npoints; s++) {
		const struct result_point *sc = &a->points[s];
		if (!platform_scenario_first(a, s))
			continue;
		/* The largest count above 1 all machines ran: first within
		 * every machine's CPUs, else any. */
		long th[64], top = 0;
		size_t nth = platform_threads(a, NULL, sc, th, 64);
		bool within = true;
		for (int pass = 0; pass < 2 && !top; pass++)
			for (size_t t = nth; t-- > 0 && !top;) {
				bool all = th[t] > 1;
				for (size_t i = 0; i < nin && all; i++) {
					int r = ran(in[i].file, sc, th[t]);
					all = pass ? r != 0 : r == 1;
				}
				if (all) {
					top = th[t];
					within = pass == 0;
				}
			}
		if (!top)
			continue;
		char scs[160], lead[300], text[2048];
		size_t n = 0;
		platform_scenario_str(sc, scs, sizeof(scs));
		snprintf(lead, sizeof(lead), "Scaling efficiency at %ld threads, %s", top, scs);
		const char *which = within ? "the most all machines ran within their CPUs"
					   : "the most all machines ran, oversubscribed on some";
		n += (size_t)snprintf(text, sizeof(text), "%s; throughput at %ld threads / (%ld x "
				      "the 1-thread throughput), on ", which, top, top);
		for (size_t i = 0; i < nin && n < sizeof(text); i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? " / " : "",
					      in[i].legend);
		/* Each lock once, in the first machine's order. */
		bool first_lock = true;
		for (size_t p = s; p < a->npoints && n < sizeof(text); p++) {
			const struct result_point *pa = &a->points[p];
			if (pa->threads != top || !platform_same_scenario(pa, sc) ||
			    !results_lock_listed(req->locks, req->nlocks, pa->lock))
				continue;
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s %s ",
					      first_lock ? ":" : ",", pa->lock);
			first_lock = false;
			for (size_t i = 0; i < nin && n < sizeof(text); i++) {
				const struct result_point *pi = platform_find(in[i].file, sc, pa->lock, top);
				char v[16];
				fmt_num(pi ? platform_efficiency(in[i].file, pi) : NAN, "%.3g", v,
					sizeof(v));
				n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? " / " : "", v);
			}
		}
		item(f, lead, text);
		/* The locks that scale very differently, one sentence each. */
		for (size_t p = s; p < a->npoints; p++) {
			const struct result_point *pa = &a->points[p];
			if (pa->threads != top || !platform_same_scenario(pa, sc) ||
			    !results_lock_listed(req->locks, req->nlocks, pa->lock))
				continue;
			double ea = platform_efficiency(a, pa);
			for (size_t i = 1; i < nin; i++) {
				const struct result_point *pi = platform_find(in[i].file, sc, pa->lock, top);
				double ei = pi ? platform_efficiency(in[i].file, pi) : NAN;
				if (!(ea > 0) || !(ei > 0) ||
				    fmax(ea, ei) / fmin(ea, ei) < EFFICIENCY_GAP)
					continue;
				snprintf(lead, sizeof(lead), "%s on %s", pa->lock, in[i].legend);
				snprintf(text, sizeof(text), "scales %.1fx %s than on %s at %ld threads "
					 "(%s): efficiency %.3g against %.3g", fmax(ea, ei) / fmin(ea, ei),
					 ei < ea ? "worse" : "better", in[0].legend, top, scs, ei, ea);
				item(f, lead, text);
			}
		}
	}
}

static void flips(FILE *f, const struct plot_input *in, size_t i, const struct plot_request *req)
{
	struct platform_flip *fl;
	size_t n = platform_order_flips(in[0].file, in[i].file, &fl), named = 0, listed = 0;
	char lead[300], text[600];

	snprintf(lead, sizeof(lead), "Lock order, %s against %s", in[i].legend, in[0].legend);
	for (size_t k = 0; k < n; k++) {
		if (!results_lock_listed(req->locks, req->nlocks, fl[k].x) ||
		    !results_lock_listed(req->locks, req->nlocks, fl[k].y))
			continue;
		listed++;
		if (named == MAX_FLIPS_NAMED)
			continue;
		platform_flip_text(&fl[k], in[0].legend, in[i].legend, text, sizeof(text));
		item(f, lead, text);
		named++;
	}
	if (!listed) {
		snprintf(text, sizeof(text), "no two locks swap places (where both machines' "
			 "intervals are apart)");
		item(f, lead, text);
	} else if (listed > named) {
		snprintf(text, sizeof(text), "and %zu more order changes (contend compare lists "
			 "them all)", listed - named);
		item(f, lead, text);
	}
	free(fl);
}

void report_machines(FILE *f, const struct plot_input *in, size_t nin,
		     const struct plot_request *req)
{
	if (!report_machines_several(in, nin))
		return;
	fprintf(f, "<section id=\"machines\"><h2>Machines</h2>\n<p>%zu files from different "
		"machines; the first, ", nin);
	html_escape(f, in[0].legend);
	fputs(", is the base of the comparisons. Order changes count only where both "
	      "machines' intervals are apart.</p>\n", f);
	identity_table(f, in, nin);
	fputs("<ul class=\"machine-findings\">\n", f);
	for (size_t i = 1; i < nin; i++)
		throughput_ratio(f, in, i, req);
	efficiencies(f, in, nin, req);
	for (size_t i = 1; i < nin; i++)
		flips(f, in, i, req);
	fputs("</ul>\n</section>\n", f);
}
