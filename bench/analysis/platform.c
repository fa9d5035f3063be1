/* platform.c - reading results files as platforms (platform.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

/* The value at a dotted PATH under meta ("topology.cores"); *absent set
 * when a key on the way is missing (an older file), NULL returned for
 * both absent and null. */
static const json_t *meta_at(const struct results_file *f, const char *path, bool *absent)
{
	const json_t *v = json_object_get(f->root, "meta");
	char key[64];

	*absent = false;
	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		path += n + (path[n] == '.');
		if (!json_is_object(v) || !json_object_get(v, key)) {
			*absent = true;
			return NULL;
		}
		v = json_object_get(v, key);
	}
	return json_is_null(v) ? NULL : v;
}

static void json_text(const json_t *v, bool absent, char *buf, size_t len)
{
	if (absent)
		snprintf(buf, len, "(not recorded)");
	else if (!v)
		snprintf(buf, len, "unknown");
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "yes");
	else if (json_is_false(v))
		snprintf(buf, len, "no");
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_number(v))
		snprintf(buf, len, "%g", json_number_value(v));
	else
		snprintf(buf, len, "?");
}

static void meta_text(const struct results_file *f, const char *path, char *buf, size_t len)
{
	bool absent;
	const json_t *v = meta_at(f, path, &absent);
	json_text(v, absent, buf, len);
}

/* What makes the hardware: print name and meta path. */
static const struct {
	const char *what, *path;
} hardware[] = {
	{ "CPU model", "cpu_model" },
	{ "architecture", "arch.machine" },
	{ "packages", "topology.packages" },
	{ "NUMA nodes", "topology.numa_nodes" },
	{ "cores", "topology.cores" },
	{ "CPUs", "topology.pus" },
	{ "SMT", "topology.smt" },
};

bool platform_differs(const struct results_file *a, const struct results_file *b,
		      char *why, size_t len)
{
	for (size_t i = 0; i < sizeof(hardware) / sizeof(hardware[0]); i++) {
		char va[160], vb[160];
		meta_text(a, hardware[i].path, va, sizeof(va));
		meta_text(b, hardware[i].path, vb, sizeof(vb));
		/* A key only one file records (an older contend) is no evidence. */
		if (strcmp(va, "(not recorded)") == 0 || strcmp(vb, "(not recorded)") == 0)
			continue;
		if (strcmp(va, vb) != 0) {
			if (why)
				snprintf(why, len, "%s differs", hardware[i].what);
			return true;
		}
	}
	if (why && len)
		why[0] = '\0';
	return false;
}

bool platform_same_machine(const struct results_file *a, const struct results_file *b)
{
	return strcmp(a->hostname, b->hostname) == 0 && !platform_differs(a, b, NULL, 0);
}

static void bytes_text(const struct results_file *f, const char *path, char *buf, size_t len)
{
	bool absent;
	const json_t *v = meta_at(f, path, &absent);
	if (v && json_is_integer(v)) {
		long long b = (long long)json_integer_value(v);
		if (b >= 1 << 20 && b % (1 << 20) == 0)
			snprintf(buf, len, "%lld MiB", b >> 20);
		else if (b >= 1 << 10 && b % (1 << 10) == 0)
			snprintf(buf, len, "%lld KiB", b >> 10);
		else
			snprintf(buf, len, "%lld B", b);
	} else {
		json_text(v, absent, buf, len);
	}
}

/* "lse (built outline)": what the atomics ran as, and how they were built
 * when that differs. */
static void atomics_text(const struct results_file *f, char *buf, size_t len)
{
	char run[64], built[64];
	meta_text(f, "arch.atomics_at_run_time", run, sizeof(run));
	meta_text(f, "arch.atomics", built, sizeof(built));
	if (strcmp(run, built) == 0)
		snprintf(buf, len, "%s", run);
	else
		snprintf(buf, len, "%s (built %s)", run, built);
}

static void line_text(const struct results_file *f, char *buf, size_t len)
{
	char hw[64], aligned[64];
	meta_text(f, "arch.cache_line_bytes", hw, sizeof(hw));
	meta_text(f, "arch.lock_cacheline_bytes", aligned, sizeof(aligned));
	snprintf(buf, len, "%s B, lock word aligned to %s B", hw, aligned);
}

static void timebase_text(const struct results_file *f, char *buf, size_t len)
{
	char src[64];
	bool absent;
	const json_t *hz = meta_at(f, "tsc.hz", &absent);
	meta_text(f, "tsc.source", src, sizeof(src));
	if (hz && json_is_number(hz))
		snprintf(buf, len, "%s at %.4g GHz", src, json_number_value(hz) / 1e9);
	else
		snprintf(buf, len, "%s", src);
}

size_t platform_identity(const struct results_file *a, const struct results_file *b,
			 struct platform_item items[PLATFORM_ITEMS])
{
	const struct results_file *f[2] = { a, b };
	size_t n = 0;

	for (int s = 0; s < 2; s++) {
		n = 0;
#define ITEM(name) (items[n].what = (name), items[n++].value[s])
#define SZ sizeof(items[0].value[0])
		snprintf(ITEM("hostname"), SZ, "%s", f[s]->hostname);
		for (size_t i = 0; i < sizeof(hardware) / sizeof(hardware[0]); i++)
			meta_text(f[s], hardware[i].path, ITEM(hardware[i].what), SZ);
		bytes_text(f[s], "topology.caches.l3_bytes", ITEM("L3 cache"), SZ);
		meta_text(f[s], "kernel", ITEM("kernel"), SZ);
		meta_text(f[s], "libc", ITEM("libc"), SZ);
		meta_text(f[s], "compiler", ITEM("compiler"), SZ);
		atomics_text(f[s], ITEM("atomics"), SZ);
		meta_text(f[s], "virtualization", ITEM("virtualised"), SZ);
		meta_text(f[s], "governor", ITEM("governor"), SZ);
		line_text(f[s], ITEM("cache line"), SZ);
		timebase_text(f[s], ITEM("time base"), SZ);
#undef ITEM
#undef SZ
	}
	for (size_t i = 0; i < n; i++)
		items[i].differs = strcmp(items[i].value[0], items[i].value[1]) != 0;
	return n;
}

bool platform_same_scenario(const struct result_point *a, const struct result_point *b)
{
	return a->cs_ns == b->cs_ns && a->ncs_ns == b->ncs_ns && strcmp(a->pin, b->pin) == 0 &&
	       a->permits == b->permits && a->nlocks == b->nlocks && a->cs_lines == b->cs_lines;
}

void platform_scenario_str(const struct result_point *p, char *buf, size_t len)
{
	int n = snprintf(buf, len, "cs=%g ncs=%g pin=%s", p->cs_ns, p->ncs_ns, p->pin);

	if (n >= 0 && (size_t)n < len && p->permits != 1)
		n += snprintf(buf + n, len - n, " permits=%ld", p->permits);
	if (n >= 0 && (size_t)n < len && p->nlocks != 1)
		n += snprintf(buf + n, len - n, " nlocks=%ld", p->nlocks);
	if (n >= 0 && (size_t)n < len && p->cs_lines != 1)
		snprintf(buf + n, len - n, " cs_lines=%ld", p->cs_lines);
}

const struct result_point *platform_find(const struct results_file *f,
					 const struct result_point *like, const char *lock,
					 long threads)
{
	for (size_t i = 0; i < f->npoints; i++) {
		const struct result_point *p = &f->points[i];
		if (p->threads == threads && strcmp(p->lock, lock) == 0 &&
		    platform_same_scenario(p, like))
			return p;
	}
	return NULL;
}

double platform_efficiency(const struct results_file *f, const struct result_point *p)
{
	const struct result_point *one = platform_find(f, p, p->lock, 1);

	if (!one || one->failed || p->failed || !(one->tput > 0) || !isfinite(p->tput) ||
	    p->threads < 1)
		return NAN;
	return p->tput / ((double)p->threads * one->tput);
}

int platform_beats(const struct result_point *x, const struct result_point *y)
{
	if (!x || !y || x->failed || y->failed || isnan(x->tput_ci_low) ||
	    isnan(x->tput_ci_high) || isnan(y->tput_ci_low) || isnan(y->tput_ci_high) ||
	    x->repeats < 2 || y->repeats < 2)
		return 0;
	if (x->tput_ci_low > y->tput_ci_high)
		return 1;
	if (x->tput_ci_high < y->tput_ci_low)
		return -1;
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

size_t platform_threads(const struct results_file *f, const struct results_file *g,
			const struct result_point *like, long *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->npoints && n < max; i++) {
		const struct result_point *p = &f->points[i];
		bool seen = false;

		if (!platform_same_scenario(p, like))
			continue;
		for (size_t k = 0; k < n && !seen; k++)
			seen = out[k] == p->threads;
		if (seen)
			continue;
		if (g) {
			bool there = false;
			for (size_t j = 0; j < g->npoints && !there; j++)
				there = g->points[j].threads == p->threads &&
					platform_same_scenario(&g->points[j], like);
			if (!there)
				continue;
		}
		out[n++] = p->threads;
	}
	qsort(out, n, sizeof(*out), cmp_long);
	return n;
}

bool platform_scenario_first(const struct results_file *f, size_t i)
{
	for (size_t q = 0; q < i; q++)
		if (platform_same_scenario(&f->points[q], &f->points[i]))
			return false;
	return true;
}

size_t platform_scenario_locks(const struct results_file *f, const struct result_point *like,
			       const char **out)
{
	size_t n = 0;
	for (size_t i = 0; i < f->npoints; i++) {
		const struct result_point *p = &f->points[i];
		bool seen = false;
		if (!platform_same_scenario(p, like))
			continue;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(out[k], p->lock) == 0;
		if (!seen)
			out[n++] = p->lock;
	}
	return n;
}

/* One pair of locks of a scenario: the thread counts where their order on
 * A is the opposite of B's. false when there are none. */
static bool pair_flip(const struct results_file *a, const struct results_file *b,
		      const struct result_point *sc, const long *th, size_t nth,
		      const char *x, const char *y, struct platform_flip *fl)
{
	int sign = 0;
	size_t last = 0;

	*fl = (struct platform_flip){ .scenario = sc };
	for (size_t t = 0; t < nth; t++) {
		int ra = platform_beats(platform_find(a, sc, x, th[t]), platform_find(a, sc, y, th[t]));
		int rb = platform_beats(platform_find(b, sc, x, th[t]), platform_find(b, sc, y, th[t]));
		if (ra == 0 || rb != -ra)
			continue;
		/* One direction per entry (the first seen): a pair whose order
		 * on A itself reverses with the threads is named at the counts
		 * that agree with it. */
		if (sign && ra != sign)
			continue;
		sign = ra;
		if (fl->nthreads < sizeof(fl->threads) / sizeof(fl->threads[0]))
			fl->threads[fl->nthreads++] = th[t];
		last = t;
	}
	if (!fl->nthreads)
		return false;
	fl->x = sign > 0 ? x : y;
	fl->y = sign > 0 ? y : x;
	/* "from T": every common thread count from the first flipped one up
	 * is flipped. */
	size_t first = 0;
	while (th[first] != fl->threads[0])
		first++;
	fl->from = last == nth - 1 && last - first + 1 == fl->nthreads && fl->nthreads > 1;
	return true;
}

size_t platform_order_flips(const struct results_file *a, const struct results_file *b,
			    struct platform_flip **out)
{
	const char **la = calloc(a->npoints ? a->npoints : 1, sizeof(*la));
	const char **lb = calloc(b->npoints ? b->npoints : 1, sizeof(*lb));
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!la || !lb)
		goto out;
	/* Each scenario once (its first point in A), each pair of locks both
	 * files hold there once (in A's order). */
	for (size_t s = 0; s < a->npoints; s++) {
		const struct result_point *sc = &a->points[s];
		if (!platform_scenario_first(a, s))
			continue;
		long th[64];
		size_t nth = platform_threads(a, b, sc, th, 64);
		size_t na = platform_scenario_locks(a, sc, la), m = 0;
		size_t nb = platform_scenario_locks(b, sc, lb);
		/* Keep A's locks that B ran too. */
		for (size_t i = 0; i < na; i++) {
			bool inb = false;
			for (size_t k = 0; k < nb && !inb; k++)
				inb = strcmp(la[i], lb[k]) == 0;
			if (inb)
				la[m++] = la[i];
		}
		for (size_t i = 0; i < m; i++)
			for (size_t j = i + 1; j < m; j++) {
				struct platform_flip fl;
				if (!pair_flip(a, b, sc, th, nth, la[i], la[j], &fl))
					continue;
				if (n == cap) {
					cap = cap ? 2 * cap : 8;
					struct platform_flip *grown = realloc(*out, cap * sizeof(**out));
					if (!grown) {
						free(*out);
						*out = NULL;
						n = 0;
						goto out;
					}
					*out = grown;
				}
				(*out)[n++] = fl;
			}
	}
out:
	free(la);
	free(lb);
	return n;
}

void platform_flip_text(const struct platform_flip *f, const char *name_a, const char *name_b,
			char *buf, size_t len)
{
	char sc[160], th[160];
	size_t n = 0;

	platform_scenario_str(f->scenario, sc, sizeof(sc));
	th[0] = '\0';
	if (f->from) {
		snprintf(th, sizeof(th), "from %ld threads", f->threads[0]);
	} else {
		n += (size_t)snprintf(th, sizeof(th), "at ");
		for (size_t i = 0; i < f->nthreads && n < sizeof(th); i++)
			n += (size_t)snprintf(th + n, sizeof(th) - n, "%s%ld", i ? ", " : "",
					      f->threads[i]);
		if (n < sizeof(th))
			snprintf(th + n, sizeof(th) - n, " thread%s", f->nthreads == 1 &&
				 f->threads[0] == 1 ? "" : "s");
	}
	snprintf(buf, len, "%s beats %s on %s, loses on %s %s (%s)", f->x, f->y, name_a, name_b,
		 th, sc);
}

int platform_parse_mode(const char *s, enum platform_mode *out)
{
	if (strcmp(s, "auto") == 0)
		*out = PLATFORM_MODE_AUTO;
	else if (strcmp(s, "same") == 0)
		*out = PLATFORM_MODE_SAME;
	else if (strcmp(s, "platform") == 0)
		*out = PLATFORM_MODE_PLATFORM;
	else
		return -1;
	return 0;
}

bool platform_compare_mode(enum platform_mode mode, const struct results_file *base,
			   const struct results_file *new, char *why, size_t len)
{
	if (mode == PLATFORM_MODE_SAME) {
		snprintf(why, len, "--mode same");
		return false;
	}
	if (mode == PLATFORM_MODE_PLATFORM) {
		snprintf(why, len, "--mode platform");
		return true;
	}
	if (platform_differs(base, new, why, len))
		return true;
	snprintf(why, len, "same CPU model and topology");
	return false;
}
