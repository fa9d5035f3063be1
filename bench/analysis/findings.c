/* findings.c - see findings.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "fmt.h"
#include "reader.h"

/* A throughput that fell this many times below the lock's own best. */
#define COLLAPSE_FACTOR 10.0
/* Jain's index below this is worth a sentence. */
#define UNFAIR_JAIN 0.9

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : dflt;
}

static long int_or(const json_t *o, const char *key, long dflt)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

/* Context switches per acquisition, voluntary and involuntary together. */
static double csw_per_acq(const struct result_point *p)
{
	return p->csw_voluntary + p->csw_involuntary;
}

/* ------------------------------------------------------------------------ */

struct ctx {
	struct findings *out;
	const char *prefix;   /* "alpha: " with several documents, else "" */
	struct result_point *pts;
	size_t n;
	unsigned vary;        /* which parameters besides threads and cs vary */
	bool oom;
};

enum { V_NCS = 1, V_PIN = 2, V_PERMITS = 4, V_NLOCKS = 8, V_LINES = 16 };

static void add(struct ctx *c, enum finding_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct ctx *c, enum finding_kind kind, const char *fmt, ...)
{
	char body[1024];
	va_list ap;
	struct finding *items;
	char *text;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	items = realloc(c->out->items, (c->out->n + 1) * sizeof(*items));
	if (!items || asprintf(&text, "%s%s", c->prefix, body) < 0) {
		if (items)
			c->out->items = items;
		c->oom = true;
		return;
	}
	c->out->items = items;
	items[c->out->n++] = (struct finding){ kind, text };
}

/* The workload of a point in words, without the lock: "8 threads, cs 100 ns". */
static void scenario(const struct ctx *c, const struct result_point *p, bool with_threads,
		     char *buf, size_t len)
{
	size_t n = 0;

#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	buf[0] = '\0';
	if (with_threads)
		ADD("%ld thread%s, ", p->threads, p->threads == 1 ? "" : "s");
	ADD("cs %g ns", p->cs_ns);
	if (c->vary & V_NCS)
		ADD(", ncs %g ns", p->ncs_ns);
	if (c->vary & V_PIN)
		ADD(", pin %s", p->pin);
	if (c->vary & V_PERMITS)
		ADD(", permits %ld", p->permits);
	if (c->vary & V_NLOCKS)
		ADD(", %ld locks", p->nlocks);
	if (c->vary & V_LINES)
		ADD(", %ld lines", p->cs_lines);
#undef ADD
}

static bool same_except_lock_threads(const struct result_point *a, const struct result_point *b)
{
	return a->cs_ns == b->cs_ns && a->ncs_ns == b->ncs_ns && strcmp(a->pin, b->pin) == 0 &&
	       a->permits == b->permits && a->nlocks == b->nlocks && a->cs_lines == b->cs_lines;
}

static bool same_scenario(const struct result_point *a, const struct result_point *b)
{
	return a->threads == b->threads && same_except_lock_threads(a, b);
}

static bool usable(const struct result_point *p)
{
	return !p->failed && isfinite(p->tput) && p->tput > 0;
}

static int cmp_tput_desc(const void *a, const void *b)
{
	const struct result_point *pa = *(const struct result_point *const *)a;
	const struct result_point *pb = *(const struct result_point *const *)b;

	return pa->tput < pb->tput ? 1 : pa->tput > pb->tput ? -1 : strcmp(pa->lock, pb->lock);
}

/* "95%" or "87.5%": the confidence the intervals reached. */
static void level_words(double level, char *buf, size_t len)
{
	if (isfinite(level))
		snprintf(buf, len, "%.3g%%", 100 * level);
	else
		snprintf(buf, len, "95%%");
}

static void fastest(struct ctx *c)
{
	bool *done = calloc(c->n, sizeof(*done));
	const struct result_point **grp = calloc(c->n ? c->n : 1, sizeof(*grp));

	if (!done || !grp) {
		c->oom = true;
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		size_t ng = 0;
		char where[256], best[32], other[32], lv[16], ties[512];

		if (done[i])
			continue;
		for (size_t k = i; k < c->n; k++)
			if (!done[k] && same_scenario(&c->pts[i], &c->pts[k])) {
				done[k] = true;
				if (usable(&c->pts[k]))
					grp[ng++] = &c->pts[k];
			}
		if (ng == 0)
			continue;
		qsort(grp, ng, sizeof(*grp), cmp_tput_desc);
		scenario(c, grp[0], true, where, sizeof(where));
		fmt_si(grp[0]->tput, best, sizeof(best));
		if (ng == 1) {
			add(c, FINDING_FASTEST, "%s: only %s was measured, %s acq/s.", where,
			    grp[0]->lock, best);
			continue;
		}
		/* Every runner-up whose interval reaches the best one's is a tie. */
		size_t nt = 0, tn = 0;
		ties[0] = '\0';
		if (isfinite(grp[0]->tput_ci_low))
			for (size_t k = 1; k < ng; k++)
				if (isfinite(grp[k]->tput_ci_high) &&
				    grp[k]->tput_ci_high >= grp[0]->tput_ci_low)
					grp[1 + nt++] = grp[k];   /* ties move up, in order */
		/* "a (1.2M)", "a (1.2M) and b (1.1M)", "a (..), b (..), c (..) and 4 more" */
		size_t named = nt > 3 ? 3 : nt;
		for (size_t k = 1; k <= named && tn < sizeof(ties); k++) {
			fmt_si(grp[k]->tput, other, sizeof(other));
			tn += snprintf(ties + tn, sizeof(ties) - tn, "%s%s (%s)",
				       k == 1 ? "" : k == nt ? " and " : ", ", grp[k]->lock, other);
		}
		if (nt > named && tn < sizeof(ties))
			snprintf(ties + tn, sizeof(ties) - tn, " and %zu more", nt - named);
		fmt_si(grp[1]->tput, other, sizeof(other));
		level_words(grp[0]->tput_ci_level, lv, sizeof(lv));
		if (!isfinite(grp[0]->tput_ci_low) || !isfinite(grp[1]->tput_ci_high))
			add(c, FINDING_FASTEST, "%s: fastest %s at %s acq/s, then %s at %s; "
			    "no confidence interval to tell them apart (too few repeats).",
			    where, grp[0]->lock, best, grp[1]->lock, other);
		else if (nt)
			add(c, FINDING_FASTEST, "%s: fastest %s at %s acq/s, tied with %s: "
			    "the %s confidence intervals overlap.", where, grp[0]->lock, best,
			    ties, lv);
		else
			add(c, FINDING_FASTEST, "%s: fastest %s at %s acq/s, clear of %s (%s) "
			    "at %s confidence, %.3gx.", where, grp[0]->lock, best, grp[1]->lock,
			    other, lv, grp[0]->tput / grp[1]->tput);
	}
out:
	free(done);
	free(grp);
}

/* "; 3 of its 24 thread windows (8 threads x 3 repeats) had no acquisition":
 * starved_threads counts a thread once per repeat it got nothing in. */
static void starved_words(const struct result_point *p, const char *lead, char *buf, size_t len)
{
	if (p->repeats > 1)
		snprintf(buf, len, "%s%ld of its %ld thread windows (%ld threads x %ld repeats) had "
			 "no acquisition", lead, p->starved_threads, p->threads * p->repeats, p->threads,
			 p->repeats);
	else
		snprintf(buf, len, "%s%ld of %ld threads had no acquisition", lead, p->starved_threads,
			 p->threads);
}

/* Per lock, its least fair multi-thread point. */
static void fairness(struct ctx *c)
{
	const char *locks[256];
	const struct result_point *worst[256];
	size_t nl = 0, measured = 0, starved_pts = 0;
	long starved_max = 0;
	const struct result_point *starved_worst = NULL;

	for (size_t i = 0; i < c->n; i++) {
		const struct result_point *p = &c->pts[i];
		size_t l;

		if (p->failed || p->threads < 2 || !isfinite(p->jain))
			continue;
		measured++;
		if (p->starved_threads > 0) {
			starved_pts++;
			if (p->starved_threads > starved_max) {
				starved_max = p->starved_threads;
				starved_worst = p;
			}
		}
		for (l = 0; l < nl; l++)
			if (strcmp(locks[l], p->lock) == 0)
				break;
		if (l == nl) {
			if (nl == sizeof(locks) / sizeof(locks[0]))
				continue;
			locks[nl] = p->lock;
			worst[nl++] = p;
		} else if (p->jain < worst[l]->jain) {
			worst[l] = p;
		}
	}
	if (measured == 0)
		return;
	size_t fair = 0, unfair = 0;
	for (size_t l = 1; l < nl; l++) {
		if (worst[l]->jain > worst[fair]->jain)
			fair = l;
		if (worst[l]->jain < worst[unfair]->jain)
			unfair = l;
	}
	char where[256], share[160] = "", starved[200] = "";
	if (worst[unfair]->jain >= UNFAIR_JAIN && starved_pts == 0) {
		add(c, FINDING_FAIRNESS, "Every lock was fair at every multi-thread point "
		    "(Jain's index at least %.3f; the least fair was %s).", worst[unfair]->jain,
		    locks[unfair]);
		return;
	}
	if (nl > 1)
		add(c, FINDING_FAIRNESS, "Fairest: %s (Jain's index never below %.3f).",
		    locks[fair], worst[fair]->jain);
	const struct result_point *u = worst[unfair];
	scenario(c, u, true, where, sizeof(where));
	if (isfinite(u->min_share))
		snprintf(share, sizeof(share), "; its least-served thread got %.2g%% of the "
			 "acquisitions (a fair share is %.3g%%)", 100 * u->min_share,
			 100.0 / (double)u->threads);
	if (u->starved_threads > 0)
		starved_words(u, "; ", starved, sizeof(starved));
	add(c, FINDING_FAIRNESS, "Least fair: %s, Jain's index %.3f at %s%s%s.", locks[unfair],
	    u->jain, where, share, starved);
	if (starved_pts > 1 || (starved_pts && starved_worst != u)) {
		scenario(c, starved_worst, true, where, sizeof(where));
		char words[200];
		starved_words(starved_worst, ": ", words, sizeof(words));
		add(c, FINDING_FAIRNESS, "Starved threads at %zu point%s; the most: %s at %s%s.",
		    starved_pts, starved_pts == 1 ? "" : "s", starved_worst->lock, where, words);
	}
}

/* A collapse: a lock's worst fall below its own best at fewer threads. */
struct collapse {
	const struct result_point *best, *worst;
	double factor;
};

static int cmp_factor_desc(const void *a, const void *b)
{
	double fa = ((const struct collapse *)a)->factor, fb = ((const struct collapse *)b)->factor;
	return fa < fb ? 1 : fa > fb ? -1 : 0;
}

/* 180482 -> "180000": a factor to three significant digits. */
static void factor_words(double x, char *buf, size_t len)
{
	double mag = pow(10, floor(log10(x)) - 2);
	snprintf(buf, len, "%.0fx", x >= 100 ? round(x / mag) * mag : round(x));
}

/* How many collapses a sentence details before "and N more". */
#define COLLAPSE_DETAIL 3

/* Per workload and thread count, one sentence: the locks that collapse
 * there, worst first, with their factor and context switches. */
static void collapses(struct ctx *c)
{
	struct collapse *col = calloc(c->n ? c->n : 1, sizeof(*col));
	bool *done;
	size_t ncol = 0;

	if (!col) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct result_point *p = &c->pts[i], *best = NULL, *worst = NULL;
		double factor = 0;
		bool first = true;

		if (!usable(p))
			continue;
		/* Once per (lock, workload): at its first point in the file. */
		for (size_t k = 0; k < i && first; k++)
			if (strcmp(c->pts[k].lock, p->lock) == 0 &&
			    same_except_lock_threads(&c->pts[k], p))
				first = false;
		if (!first)
			continue;
		for (size_t k = 0; k < c->n; k++) {
			const struct result_point *q = &c->pts[k];

			if (!usable(q) || strcmp(q->lock, p->lock) || !same_except_lock_threads(q, p))
				continue;
			/* The best at fewer threads than q. */
			for (size_t m = 0; m < c->n; m++) {
				const struct result_point *r = &c->pts[m];

				if (!usable(r) || strcmp(r->lock, p->lock) ||
				    !same_except_lock_threads(r, p) || r->threads >= q->threads)
					continue;
				if (r->tput / q->tput > factor) {
					factor = r->tput / q->tput;
					best = r;
					worst = q;
				}
			}
		}
		if (factor >= COLLAPSE_FACTOR)
			col[ncol++] = (struct collapse){ best, worst, factor };
	}
	qsort(col, ncol, sizeof(*col), cmp_factor_desc);
	done = calloc(ncol ? ncol : 1, sizeof(*done));
	if (!done) {
		free(col);
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < ncol; i++) {
		char text[1024], where[256], others[256] = "";
		size_t n = 0, shown = 0, rest = 0, on = 0;

		if (done[i])
			continue;
		scenario(c, col[i].worst, false, where, sizeof(where));
#define ADD(...) do { if (n < sizeof(text)) n += snprintf(text + n, sizeof(text) - n, __VA_ARGS__); } while (0)
		for (size_t k = i; k < ncol; k++) {
			const struct collapse *e = &col[k];
			char fac[32], a[32], b[32];

			if (done[k] || e->worst->threads != col[i].worst->threads ||
			    !same_except_lock_threads(e->worst, col[i].worst))
				continue;
			done[k] = true;
			if (shown == COLLAPSE_DETAIL) {
				if (on < sizeof(others))
					on += snprintf(others + on, sizeof(others) - on, "%s%s",
						       rest ? ", " : "", e->worst->lock);
				rest++;
				continue;
			}
			factor_words(e->factor, fac, sizeof(fac));
			fmt_si(e->worst->tput, a, sizeof(a));
			fmt_si(e->best->tput, b, sizeof(b));
			ADD("%s%s collapses %s (%s acq/s against %s at %ld thread%s", shown ? "; " : "",
			    e->worst->lock, fac, a, b, e->best->threads, e->best->threads == 1 ? "" : "s");
			if (isfinite(csw_per_acq(e->worst)))
				ADD(", %.3g context switches per acquisition", csw_per_acq(e->worst));
			ADD(")");
			shown++;
		}
		if (rest)
			ADD("; and %s", others);
#undef ADD
		add(c, FINDING_COLLAPSE, "%ld threads, %s%s: %s.", col[i].worst->threads, where,
		    col[i].worst->oversubscribed ? " (more threads than CPUs)" : "", text);
	}
	free(done);
	free(col);
}

static void weak(struct ctx *c, const json_t *doc)
{
	size_t failed = 0, noisy = 0, changed = 0, off = 0, low = 0, split = 0;
	double lowest = 1, highest = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct result_point *p = &c->pts[i];

		failed += p->failed;
		noisy += p->noisy;
		changed += p->machine_changed;
		off += p->cs_off_target;
		split += p->regimes > 1;
		if (isfinite(p->tput_ci_level) && p->tput_ci_level < 0.95 - 1e-9) {
			low++;
			lowest = fmin(lowest, p->tput_ci_level);
			highest = fmax(highest, p->tput_ci_level);
		}
	}
	if (!json_is_true(json_object_get(doc, "complete"))) {
		const char *by = json_string_value(json_object_get(doc, "interrupted_by"));
		add(c, FINDING_WEAK, "Incomplete sweep: interrupted%s%s; it holds only the points "
		    "whose every repeat finished.", by ? " by " : "", by ? by : "");
	}
	if (failed)
		add(c, FINDING_WEAK, "%zu of %zu points FAILED (mutual exclusion violated): "
		    "%s not results.", failed, c->n, failed == 1 ? "its figures are" : "their figures are");
	if (noisy)
		add(c, FINDING_WEAK, "%zu of %zu points %s noisy (throughput varies more than 5%% "
		    "over repeats).", noisy, c->n, noisy == 1 ? "is" : "are");
	if (changed)
		add(c, FINDING_WEAK, "%zu of %zu points saw the machine change under them "
		    "(placement regime, CPU speed or other load explains their spread).", changed, c->n);
	if (low && low == c->n && lowest == highest)
		add(c, FINDING_WEAK, "Every confidence interval reaches %.3g%%, not 95%% (too few "
		    "repeats for 95%%).", 100 * lowest);
	else if (low)
		add(c, FINDING_WEAK, "%zu of %zu points %s intervals below 95%% confidence "
		    "(as low as %.3g%%: too few repeats).", low, c->n, low == 1 ? "has" : "have",
		    100 * lowest);
	if (split)
		add(c, FINDING_WEAK, "%zu of %zu points ran in several placement regimes (the "
		    "host moved the threads between repeats); the JSON gives each regime's median.",
		    split, c->n);
	if (off)
		add(c, FINDING_WEAK, "%zu of %zu points ran critical sections off their target "
		    "length.", off, c->n);
	if (!failed && !noisy && !changed && !low && !off && !split &&
	    json_is_true(json_object_get(doc, "complete")))
		add(c, FINDING_WEAK, "No point is flagged: none failed, noisy, drifted or "
		    "incomplete.");
}

static void machine_line(const json_t *doc, char *buf, size_t len)
{
	const json_t *meta = json_object_get(doc, "meta");
	const json_t *topo = json_object_get(meta, "topology");
	long pus = int_or(topo, "pus", 0), nodes = int_or(topo, "numa_nodes", 0);
	size_t n = 0;

#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	buf[0] = '\0';
	ADD("%s", str_or(meta, "hostname", "?"));
	ADD(": %s", str_or(meta, "cpu_model", "unknown CPU"));
	if (pus)
		ADD(", %ld CPU%s", pus, pus == 1 ? "" : "s");
	if (nodes)
		ADD(", %ld NUMA node%s", nodes, nodes == 1 ? "" : "s");
	if (json_string_value(json_object_get(meta, "kernel")))
		ADD(", %s", str_or(meta, "kernel", ""));
	if (json_string_value(json_object_get(meta, "libc")))
		ADD(", %s", str_or(meta, "libc", ""));
	if (json_string_value(json_object_get(meta, "timestamp")))
		ADD("; sweep of %s", str_or(meta, "timestamp", ""));
#undef ADD
}

int findings_compute(const json_t *const *docs, const char *const *names, size_t ndocs,
		     const char *const *locks, size_t nlocks, struct findings *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->machines = calloc(ndocs ? ndocs : 1, sizeof(*out->machines));
	if (!out->machines)
		return -1;
	for (size_t d = 0; d < ndocs && !oom; d++) {
		const json_t *results = json_object_get(docs[d], "results");
		size_t total = json_array_size(results);
		struct ctx c = { .out = out, .prefix = "" };
		char line[1024], prefix[160];

		machine_line(docs[d], line, sizeof(line));
		out->machines[out->nmachines] = strdup(line);
		if (!out->machines[out->nmachines++]) {
			oom = true;
			break;
		}
		if (ndocs > 1) {
			const char *name = names && names[d] ? names[d]
				: str_or(json_object_get(docs[d], "meta"), "hostname", "?");
			snprintf(prefix, sizeof(prefix), "%s: ", name);
			c.prefix = prefix;
		}
		c.pts = calloc(total ? total : 1, sizeof(*c.pts));
		if (!c.pts) {
			oom = true;
			break;
		}
		for (size_t i = 0; i < total; i++) {
			result_point_decode(json_array_get(results, i), &c.pts[c.n]);
			if (results_lock_listed(locks, nlocks, c.pts[c.n].lock))
				c.n++;
		}
		for (size_t i = 1; i < c.n; i++) {
			const struct result_point *a = &c.pts[0], *b = &c.pts[i];
			c.vary |= (a->ncs_ns != b->ncs_ns ? V_NCS : 0) |
				  (strcmp(a->pin, b->pin) ? V_PIN : 0) |
				  (a->permits != b->permits ? V_PERMITS : 0) |
				  (a->nlocks != b->nlocks ? V_NLOCKS : 0) |
				  (a->cs_lines != b->cs_lines ? V_LINES : 0);
		}
		fastest(&c);
		fairness(&c);
		collapses(&c);
		weak(&c, docs[d]);
		oom |= c.oom;
		free(c.pts);
	}
	if (oom) {
		findings_free(out);
		return -1;
	}
	return 0;
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->nmachines; i++)
		free(f->machines[i]);
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i].text);
	free(f->machines);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

const char *finding_kind_title(enum finding_kind k)
{
	switch (k) {
	case FINDING_FASTEST: return "Fastest lock per scenario";
	case FINDING_FAIRNESS: return "Fairness";
	case FINDING_COLLAPSE: return "Collapses";
	case FINDING_WEAK: return "How far to trust it";
	case FINDING_KINDS: break;
	}
	return "?";
}

void findings_print_json(const json_t *doc, FILE *out)
{
	struct findings f;

	if (findings_compute(&doc, NULL, 1, NULL, 0, &f) != 0)
		return;
	fprintf(out, "# summary: %s\n", f.machines[0]);
	for (int k = 0; k < FINDING_KINDS; k++)
		for (size_t i = 0; i < f.n; i++)
			if ((int)f.items[i].kind == k)
				fprintf(out, "#   %s\n", f.items[i].text);
	findings_free(&f);
}
