/*
 * plotting.c - results files to TSV and gnuplot charts (see plotting.h).
 *
 * How points become charts: the x axis is one swept parameter (threads, cs
 * or ncs). Every other parameter that varies among the points splits them
 * into groups, one chart per group and metric, so a curve never mixes two
 * workloads. Inside a chart there is one series per (input file, lock); a
 * lock keeps its colour in every chart and a file its point and dash type.
 * Failed points are written as NaN (gnuplot skips them) and drawn as a red
 * cross on the axis instead.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <getopt.h>

#include "cli.h"
#include "plotting.h"

#define MARKER_FILE ".contend-output"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	return s;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* ------------------------------------------------------------------------ */
/* Options and names                                                        */

int plot_parse_format(const char *s, enum plot_format *out)
{
	if (strcmp(s, "png") == 0)
		*out = PLOT_PNG;
	else if (strcmp(s, "svg") == 0)
		*out = PLOT_SVG;
	else if (strcmp(s, "pdf") == 0)
		*out = PLOT_PDF;
	else
		return -1;
	return 0;
}

int plot_parse_axis(const char *s, enum plot_axis *out)
{
	if (strcmp(s, "threads") == 0)
		*out = AXIS_THREADS;
	else if (strcmp(s, "cs") == 0)
		*out = AXIS_CS;
	else if (strcmp(s, "ncs") == 0)
		*out = AXIS_NCS;
	else
		return -1;
	return 0;
}

const char *plot_format_ext(enum plot_format f)
{
	return f == PLOT_SVG ? "svg" : f == PLOT_PDF ? "pdf" : "png";
}

const char *plot_axis_name(enum plot_axis x)
{
	return x == AXIS_CS ? "cs" : x == AXIS_NCS ? "ncs" : "threads";
}

void plot_inputs_name(struct plot_input *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		results_machine_label(in[i].file, in[i].label, sizeof(in[i].label));
		snprintf(in[i].legend, sizeof(in[i].legend), "%s", in[i].file->hostname);
	}
	/* Two runs on one machine (before/after a change) share a hostname:
	 * the file name tells them apart. */
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			if (j != i && strcmp(in[i].file->hostname, in[j].file->hostname) == 0)
				dup = true;
		if (dup) {
			const char *base = strrchr(in[i].file->path, '/');
			base = base ? base + 1 : in[i].file->path;
			snprintf(in[i].legend, sizeof(in[i].legend), "%s [%s]",
				 in[i].file->hostname, base);
		}
	}
}

static bool input_has_lock(const struct plot_input *in, size_t nin, const char *lock)
{
	for (size_t i = 0; i < nin; i++)
		for (size_t k = 0; k < in[i].file->npoints; k++)
			if (strcmp(in[i].file->points[k].lock, lock) == 0)
				return true;
	return false;
}

const char **plot_parse_locks(char *list, const struct plot_input *in, size_t nin,
			      size_t *count, char *err, size_t errlen)
{
	size_t n = 1, k = 0;
	const char **names;
	char *save = NULL, *tok;

	for (const char *s = list; *s; s++)
		n += *s == ',';
	names = xcalloc(n + 1, sizeof(*names));
	/* strtok would skip empty names silently; split by hand. */
	for (tok = list; tok; tok = save) {
		save = strchr(tok, ',');
		if (save)
			*save++ = '\0';
		if (!*tok) {
			seterr(err, errlen, "--locks: empty lock name in the list");
			free(names);
			return NULL;
		}
		if (!input_has_lock(in, nin, tok)) {
			seterr(err, errlen, "--locks: no point of lock '%s' in the input files", tok);
			free(names);
			return NULL;
		}
		names[k++] = tok;
	}
	*count = k;
	return names;
}

/* ------------------------------------------------------------------------ */
/* Finding gnuplot and the templates                                         */

int plot_find_gnuplot(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("CONTEND_GNUPLOT");
	const char *path = getenv("PATH");

	if (env && *env) {
		if (access(env, X_OK) == 0) {
			snprintf(buf, len, "%s", env);
			return 0;
		}
		seterr(err, errlen, "gnuplot: CONTEND_GNUPLOT=%s is not an executable", env);
		return -1;
	}
	for (const char *p = path ? path : ""; *p;) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);

		if (dlen > 0) {
			snprintf(buf, len, "%.*s/gnuplot", (int)dlen, p);
			if (access(buf, X_OK) == 0)
				return 0;
		}
		p += dlen + (end ? 1 : 0);
	}
	seterr(err, errlen, "gnuplot: not found in PATH (install it, e.g. the Debian package gnuplot-nox)");
	return -1;
}

static bool has_templates(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/common.gp", dir);
	return access(path, R_OK) == 0;
}

/* True when this process's executable lies in the build tree: then the
 * templates of the same source tree belong to it, not an older install. */
static bool running_uninstalled(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t blen = strlen(CONTEND_BUILDDIR);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	return strncmp(exe, CONTEND_BUILDDIR, blen) == 0 && exe[blen] == '/';
}

int plot_find_templates(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("CONTEND_PLOTS_DIR");
	const char *src = CONTEND_SRCDIR "/plots", *inst = CONTEND_DATADIR "/plots";

	if (env && *env) {
		if (!has_templates(env)) {
			seterr(err, errlen, "CONTEND_PLOTS_DIR=%s: no common.gp there", env);
			return -1;
		}
		snprintf(buf, len, "%s", env);
		return 0;
	}
	const char *first = running_uninstalled() ? src : inst;
	const char *second = first == src ? inst : src;
	if (has_templates(first))
		snprintf(buf, len, "%s", first);
	else if (has_templates(second))
		snprintf(buf, len, "%s", second);
	else {
		seterr(err, errlen, "chart templates not found in %s or %s (set CONTEND_PLOTS_DIR)",
		       inst, src);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Grouping points                                                           */

enum dim { D_THREADS, D_CS, D_NCS, D_PIN, D_PERMITS, D_NLOCKS, D_CS_LINES, D_COUNT };

static enum dim axis_dim(enum plot_axis x)
{
	return x == AXIS_CS ? D_CS : x == AXIS_NCS ? D_NCS : D_THREADS;
}

static int cmp_double(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int dim_cmp(const struct result_point *a, const struct result_point *b, enum dim d)
{
	switch (d) {
	case D_THREADS: return cmp_double(a->threads, b->threads);
	case D_CS: return cmp_double(a->cs_ns, b->cs_ns);
	case D_NCS: return cmp_double(a->ncs_ns, b->ncs_ns);
	case D_PIN: return strcmp(a->pin, b->pin);
	case D_PERMITS: return cmp_double(a->permits, b->permits);
	case D_NLOCKS: return cmp_double(a->nlocks, b->nlocks);
	case D_CS_LINES: return cmp_double(a->cs_lines, b->cs_lines);
	case D_COUNT: break;
	}
	return 0;
}

static double dim_x(const struct result_point *p, enum dim d)
{
	return d == D_CS ? p->cs_ns : d == D_NCS ? p->ncs_ns : (double)p->threads;
}

/* A point the request includes, and where it came from. */
struct ref {
	const struct result_point *p;
	size_t input;
	size_t lock;        /* index into the plot's lock list (colour) */
};

struct plot_ctx {
	const char *dir;
	const struct plot_input *in;
	size_t nin;
	const struct plot_request *req;
	const char *templates;
	struct ref *refs;
	size_t nrefs;
	const char **locks; /* in order of first appearance */
	size_t nlocks;
	struct chart_set *out;
	char **drivers;     /* driver files for the one gnuplot run */
	size_t ndrivers;
};

static bool lock_wanted(const struct plot_request *req, const char *lock)
{
	if (req->nlocks == 0)
		return true;
	for (size_t i = 0; i < req->nlocks; i++)
		if (strcmp(req->locks[i], lock) == 0)
			return true;
	return false;
}

static void collect(struct plot_ctx *c)
{
	size_t total = 0;

	for (size_t i = 0; i < c->nin; i++)
		total += c->in[i].file->npoints;
	c->refs = xcalloc(total, sizeof(*c->refs));
	c->locks = xcalloc(total, sizeof(*c->locks));
	for (size_t i = 0; i < c->nin; i++) {
		for (size_t k = 0; k < c->in[i].file->npoints; k++) {
			const struct result_point *p = &c->in[i].file->points[k];
			size_t l;

			if (!lock_wanted(c->req, p->lock))
				continue;
			for (l = 0; l < c->nlocks; l++)
				if (strcmp(c->locks[l], p->lock) == 0)
					break;
			if (l == c->nlocks)
				c->locks[c->nlocks++] = p->lock;
			c->refs[c->nrefs++] = (struct ref){ p, i, l };
		}
	}
}

/* Which dimensions take more than one value among the included points. */
static unsigned varying_dims(const struct plot_ctx *c)
{
	unsigned mask = 0;

	for (enum dim d = 0; d < D_COUNT; d++)
		for (size_t i = 1; i < c->nrefs; i++)
			if (dim_cmp(c->refs[0].p, c->refs[i].p, d) != 0) {
				mask |= 1u << d;
				break;
			}
	return mask;
}

static int group_cmp(const struct result_point *a, const struct result_point *b, unsigned mask)
{
	for (enum dim d = 0; d < D_COUNT; d++) {
		if (!(mask & (1u << d)))
			continue;
		int r = dim_cmp(a, b, d);
		if (r)
			return r;
	}
	return 0;
}

static void sanitize_name(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.'))
			*s = '_';
}

/* File-name suffix of a group: "-cs100", "-t8-pin_scatter", "" for none. */
static void group_suffix(const struct result_point *p, unsigned mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (enum dim d = 0; d < D_COUNT && n < len; d++) {
		char part[96];

		if (!(mask & (1u << d)))
			continue;
		switch (d) {
		case D_THREADS: snprintf(part, sizeof(part), "t%ld", p->threads); break;
		case D_CS: snprintf(part, sizeof(part), "cs%g", p->cs_ns); break;
		case D_NCS: snprintf(part, sizeof(part), "ncs%g", p->ncs_ns); break;
		case D_PIN: snprintf(part, sizeof(part), "pin_%s", p->pin); break;
		case D_PERMITS: snprintf(part, sizeof(part), "permits%ld", p->permits); break;
		case D_NLOCKS: snprintf(part, sizeof(part), "nlocks%ld", p->nlocks); break;
		case D_CS_LINES: snprintf(part, sizeof(part), "lines%ld", p->cs_lines); break;
		case D_COUNT: break;
		}
		sanitize_name(part);
		n += snprintf(buf + n, len - n, "-%s", part);
	}
}

/* The workload of a chart in words: every parameter but the x axis. */
static void workload_words(const struct plot_ctx *c, const struct result_point *p,
			   enum dim xd, char *buf, size_t len)
{
	const char *dist = json_string_value(json_object_get(
		json_object_get(c->in[0].file->root, "config"), "cs_dist"));
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	if (xd != D_THREADS)
		ADD("%ld thread%s, ", p->threads, p->threads == 1 ? "" : "s");
	if (xd != D_CS)
		ADD("cs %g ns%s, ", p->cs_ns, dist && strcmp(dist, "exp") == 0 ? " (exp)" : "");
	if (xd != D_NCS)
		ADD("ncs %g ns, ", p->ncs_ns);
	ADD("pin %s", p->pin);
	if (p->permits != 1)
		ADD(", permits %ld", p->permits);
	if (p->nlocks != 1)
		ADD(", %ld locks", p->nlocks);
	if (p->cs_lines != 1)
		ADD(", %ld lines written", p->cs_lines);
#undef ADD
}

/* ------------------------------------------------------------------------ */
/* TSV                                                                       */

/* Columns of a group's TSV; the driver hands these numbers to the templates
 * as col_*, so this table is the only place that defines them. */
enum col {
	COL_X = 1, COL_TPUT, COL_TPUT_LO, COL_TPUT_HI, COL_JAIN, COL_P99, COL_CSW,
	COL_CYCLES, COL_OVER, COL_THREADS, COL_CS, COL_NCS, COL_STATUS, COL_CV,
	COL_CSW_VOL, COL_CSW_INVOL, COL_P50,
};

static void put_num(FILE *f, double v)
{
	/* gnuplot and most TSV readers take "NaN"; printf would write "nan". */
	if (isnan(v))
		fputs("NaN", f);
	else
		fprintf(f, "%.10g", v);
}

static void put_str(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* Value of a chart column for a point; failed points have none. */
static double column_value(const struct result_point *p, enum col col)
{
	if (p->failed)
		return NAN;
	switch (col) {
	case COL_TPUT: return p->tput;
	case COL_TPUT_LO: return p->tput_ci_low;
	case COL_TPUT_HI: return p->tput_ci_high;
	case COL_JAIN: return p->jain;
	case COL_P99: return p->lat_p99;
	/* A total needs both parts: a missing half is not a zero. */
	case COL_CSW: return p->csw_voluntary + p->csw_involuntary;
	case COL_CYCLES: return p->cycles_per_acq;
	case COL_CV: return p->tput_cv;
	case COL_CSW_VOL: return p->csw_voluntary;
	case COL_CSW_INVOL: return p->csw_involuntary;
	case COL_P50: return p->lat_p50;
	default: return NAN;
	}
}

static int write_points_tsv(const char *path, const struct plot_ctx *c)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs("# contend points: one row per point of every input; figures of a failed\n"
	      "# point (status failed) are those of a broken lock, not results. NaN = not measured.\n", f);
	fputs("machine\tfile\tlock\tthreads\tcs_ns\tncs_ns\tpin\tpermits\tnlocks\tcs_lines\t"
	      "status\tviolations\trepeats\toversubscribed\tnoisy\tmachine_changed\t"
	      "throughput\tci95_low\tci95_high\tcv\tns_per_acq\tcycles_per_acq\t"
	      "jain\tmin_share\tmax_share\tp50_ns\tp90_ns\tp99_ns\tp999_ns\tmax_ns\t"
	      "csw_voluntary\tcsw_involuntary\tmigrations\n", f);
	for (size_t i = 0; i < c->nrefs; i++) {
		const struct result_point *p = c->refs[i].p;
		const double figs[] = { p->tput, p->tput_ci_low, p->tput_ci_high, p->tput_cv,
					p->ns_per_acq, p->cycles_per_acq, p->jain, p->min_share,
					p->max_share, p->lat_p50, p->lat_p90, p->lat_p99,
					p->lat_p999, p->lat_max, p->csw_voluntary,
					p->csw_involuntary };

		put_str(f, c->in[c->refs[i].input].legend);
		fputc('\t', f);
		put_str(f, c->in[c->refs[i].input].file->path);
		fputc('\t', f);
		put_str(f, p->lock);
		fprintf(f, "\t%ld\t", p->threads);
		put_num(f, p->cs_ns);
		fputc('\t', f);
		put_num(f, p->ncs_ns);
		fputc('\t', f);
		put_str(f, p->pin);
		fprintf(f, "\t%ld\t%ld\t%ld\t%s\t%ld\t%ld\t%d\t%d\t%d", p->permits, p->nlocks,
			p->cs_lines, p->failed ? "failed" : "ok", p->violations, p->repeats,
			p->oversubscribed, p->noisy, p->machine_changed);
		for (size_t k = 0; k < sizeof(figs) / sizeof(figs[0]); k++) {
			fputc('\t', f);
			put_num(f, figs[k]);
		}
		fprintf(f, "\t%ld\n", p->migrations);
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* A series of one chart group: the points of one (input, lock), sorted by x. */
struct series {
	size_t input, lock;
	const struct result_point **pts;
	size_t n;
	char *title;
};

static int cmp_x_dim;

static int cmp_by_x(const void *a, const void *b)
{
	const struct result_point *pa = *(const struct result_point *const *)a;
	const struct result_point *pb = *(const struct result_point *const *)b;

	return cmp_double(dim_x(pa, cmp_x_dim), dim_x(pb, cmp_x_dim));
}

static size_t build_series(const struct plot_ctx *c, const struct result_point *rep,
			   unsigned gmask, enum dim xd, struct series **out)
{
	struct series *s = xcalloc(c->nin * c->nlocks, sizeof(*s));
	size_t ns = 0;

	for (size_t i = 0; i < c->nin; i++) {
		for (size_t l = 0; l < c->nlocks; l++) {
			struct series *cur = &s[ns];

			cur->pts = xcalloc(c->nrefs, sizeof(*cur->pts));
			for (size_t r = 0; r < c->nrefs; r++)
				if (c->refs[r].input == i && c->refs[r].lock == l &&
				    group_cmp(c->refs[r].p, rep, gmask) == 0)
					cur->pts[cur->n++] = c->refs[r].p;
			if (cur->n == 0) {
				free(cur->pts);
				continue;
			}
			cmp_x_dim = xd;
			qsort(cur->pts, cur->n, sizeof(*cur->pts), cmp_by_x);
			cur->input = i;
			cur->lock = l;
			cur->title = c->nin > 1 ? xasprintf("%s @ %s", c->locks[l], c->in[i].legend)
						: xasprintf("%s", c->locks[l]);
			ns++;
		}
	}
	*out = s;
	return ns;
}

static void free_series(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].pts);
		free(s[i].title);
	}
	free(s);
}

static int write_group_tsv(const char *path, const struct series *s, size_t ns, enum dim xd,
			   const char *workload)
{
	FILE *f = fopen(path, "w");
	static const char *const xname[] = { [D_THREADS] = "threads", [D_CS] = "cs_ns", [D_NCS] = "ncs_ns" };

	if (!f)
		return -1;
	fprintf(f, "# contend chart data, workload: %s\n"
		"# one block per series (gnuplot index N), separated by two blank lines;\n"
		"# NaN = not measured, or a failed point (status column)\n", workload);
	fprintf(f, "# %s\tthroughput\tci95_low\tci95_high\tjain\tp99_ns\tcsw_per_acq\t"
		"cycles_per_acq\toversubscribed\tthreads\tcs_ns\tncs_ns\tstatus\tcv\t"
		"csw_voluntary\tcsw_involuntary\tp50_ns\n", xname[xd]);
	for (size_t i = 0; i < ns; i++) {
		if (i)
			fputs("\n\n", f);
		fputs("# series: ", f);
		put_str(f, s[i].title);
		fputc('\n', f);
		for (size_t k = 0; k < s[i].n; k++) {
			const struct result_point *p = s[i].pts[k];

			put_num(f, dim_x(p, xd));
			for (enum col col = COL_TPUT; col <= COL_P50; col++) {
				fputc('\t', f);
				switch (col) {
				case COL_OVER: fprintf(f, "%d", p->oversubscribed); break;
				case COL_THREADS: fprintf(f, "%ld", p->threads); break;
				case COL_CS: put_num(f, p->cs_ns); break;
				case COL_NCS: put_num(f, p->ncs_ns); break;
				case COL_STATUS: fputs(p->failed ? "failed" : "ok", f); break;
				default: put_num(f, column_value(p, col)); break;
				}
			}
			fputc('\n', f);
		}
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Charts                                                                    */

struct chart_kind {
	const char *stem;       /* image file name start */
	const char *tmpl;       /* template in the plots directory */
	const char *what;       /* title words */
	enum col col;
	bool may_log;           /* log y when the values span a wide range */
};

static const struct chart_kind chart_kinds[] = {
	{ "throughput", "throughput.gp", "Throughput", COL_TPUT, true },
	{ "fairness", "fairness.gp", "Jain's fairness", COL_JAIN, false },
	{ "latency-p99", "latency.gp", "p99 acquire latency", COL_P99, true },
	{ "csw", "csw.gp", "Context switches per acquisition", COL_CSW, true },
	{ "cycles", "cycles.gp", "Cycles per acquisition", COL_CYCLES, true },
};

/* A gnuplot single-quoted string: no escapes inside, ' doubled; newlines
 * become "\n" joined with the . operator. */
static void gp_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else if (*s == '\n')
			fputs("'.\"\\n\".'", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void gp_set_str(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s = ", name);
	gp_string(f, value);
	fputc('\n', f);
}

/* The machines of a chart, for its second title line. */
static void machines_words(const struct plot_ctx *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (c->nin > 3) {
		snprintf(buf, len, "%zu machines", c->nin);
		return;
	}
	for (size_t i = 0; i < c->nin && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? "  vs  " : "", c->in[i].label);
}

static void add_note(struct chart_set *set, char *note)
{
	char **n = realloc(set->notes, (set->nnotes + 1) * sizeof(*n));

	if (!n) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	set->notes = n;
	set->notes[set->nnotes++] = note;
}

static void add_chart(struct chart_set *set, char *image, const char *tsv, char *title)
{
	struct chart *ch = realloc(set->charts, (set->n + 1) * sizeof(*ch));

	if (!ch) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	set->charts = ch;
	set->charts[set->n++] = (struct chart){ image, xasprintf("%s", tsv), title };
}

static int cmp_double_ptr(const void *a, const void *b)
{
	return cmp_double(*(const double *)a, *(const double *)b);
}

/* "(1,2,4,8)": tics at the measured x values when there are few of them. */
static void write_xtics(FILE *f, const struct series *s, size_t ns, enum dim xd, int logx)
{
	double xs[16];
	size_t nx = 0;

	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].n; j++) {
			double x = dim_x(s[i].pts[j], xd);
			size_t q = 0;

			while (q < nx && xs[q] != x)
				q++;
			if (q < nx)
				continue;
			if (nx == sizeof(xs) / sizeof(xs[0])) {
				fputs("xtics_list = ''\n", f);   /* too many: gnuplot's own */
				return;
			}
			xs[nx++] = x;
		}
	if (xd != D_THREADS && !logx) {
		fputs("xtics_list = ''\n", f);
		return;
	}
	qsort(xs, nx, sizeof(xs[0]), cmp_double_ptr);
	fputs("xtics_list = '(", f);
	for (size_t q = 0; q < nx; q++)
		fprintf(f, "%s%g", q ? "," : "", xs[q]);
	fputs(")'\n", f);
}

/* Shade threads beyond each machine's CPU count (x = threads only). */
static void write_oversubscription(FILE *f, const struct plot_ctx *c, const struct series *s,
				   size_t ns, enum dim xd)
{
	long from[16];
	char text[16][256];
	size_t n = 0;
	bool ringed = false, distinct_cpus = false;

	for (size_t i = 0; i < c->nin; i++)
		if (c->in[i].file->cpus != c->in[0].file->cpus)
			distinct_cpus = true;
	for (size_t i = 0; i < ns; i++) {
		const struct plot_input *in = &c->in[s[i].input];
		bool over = false;

		for (size_t j = 0; j < s[i].n; j++)
			over |= s[i].pts[j]->oversubscribed;
		ringed |= over;
		if (!over || xd != D_THREADS)
			continue;
		size_t q = 0;
		while (q < n && from[q] != in->file->cpus)
			q++;
		if (q == n && n < sizeof(from) / sizeof(from[0])) {
			from[n] = in->file->cpus;
			/* Several machines with different CPU counts: say whose. */
			if (distinct_cpus)
				snprintf(text[n], sizeof(text[n]), "oversubscribed: %s", in->legend);
			else
				snprintf(text[n], sizeof(text[n]), "oversubscribed (> %ld CPUs)",
					 in->file->cpus);
			n++;
		}
	}
	fprintf(f, "has_over_points = %d\nn_over = %zu\n", ringed, n);
	if (n) {
		fprintf(f, "array over_from[%zu]\narray over_text[%zu]\n", n, n);
		for (size_t q = 0; q < n; q++) {
			fprintf(f, "over_from[%zu] = %ld; over_text[%zu] = ", q + 1, from[q], q + 1);
			gp_string(f, text[q]);
			fputc('\n', f);
		}
	}
}

/* A red cross with the series' name for every failed point, stacked
 * upwards where several fail at the same x. */
static void write_failed(FILE *f, const struct series *s, size_t ns, enum dim xd)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].n; j++)
			n += s[i].pts[j]->failed;
	fprintf(f, "n_failed = %zu\n", n);
	if (!n)
		return;
	fprintf(f, "array failed_x[%zu]\narray failed_y[%zu]\narray failed_text[%zu]\n", n, n, n);
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < s[i].n; j++) {
			const struct result_point *p = s[i].pts[j];
			size_t below = 0;

			if (!p->failed)
				continue;
			/* Earlier failures at the same x sit below this one. */
			for (size_t i2 = 0; i2 <= i; i2++)
				for (size_t j2 = 0; j2 < s[i2].n && !(i2 == i && j2 >= j); j2++)
					below += s[i2].pts[j2]->failed &&
						 dim_x(s[i2].pts[j2], xd) == dim_x(p, xd);
			k++;
			fprintf(f, "failed_x[%zu] = %.10g; failed_y[%zu] = %.3f; failed_text[%zu] = ",
				k, dim_x(p, xd), k, 0.05 + 0.06 * (double)below, k);
			char text[300];
			snprintf(text, sizeof(text), "%s failed", s[i].title);
			gp_string(f, text);
			fputc('\n', f);
		}
}

/* Write the driver of one chart and register it; 0 = written, 1 = nothing
 * measured to draw (a note says so), -1 = error. */
static int write_chart(struct plot_ctx *c, const struct chart_kind *k, enum dim xd,
		       const struct series *s, size_t ns, const char *suffix,
		       const char *tsv, const char *workload, char *err, size_t errlen)
{
	static const char *const xword[] = { [D_THREADS] = "threads", [D_CS] = "critical section length",
					     [D_NCS] = "non-critical section length" };
	static const char *const xlabel[] = { [D_THREADS] = "threads",
					      [D_CS] = "critical section length (ns)",
					      [D_NCS] = "non-critical section length (ns)" };
	const char *axis = xd == D_THREADS ? "threads" : xd == D_CS ? "cs" : "ncs";
	char machines[1024], title[1024], full[2100];
	size_t *blk = xcalloc(ns, sizeof(*blk)), nb = 0;
	double ymin = INFINITY, ymax = -INFINITY, xmin = INFINITY, xmax = -INFINITY;

	for (size_t i = 0; i < ns; i++) {
		bool finite = false;

		for (size_t j = 0; j < s[i].n; j++) {
			const struct result_point *p = s[i].pts[j];
			double v = column_value(p, k->col);

			xmin = fmin(xmin, dim_x(p, xd));
			xmax = fmax(xmax, dim_x(p, xd));
			if (isnan(v))
				continue;
			finite = true;
			ymin = fmin(ymin, v);
			ymax = fmax(ymax, v);
			if (k->col == COL_TPUT) {
				ymin = fmin(ymin, p->tput_ci_low);   /* fmin ignores NaN */
				ymax = fmax(ymax, p->tput_ci_high);
			}
		}
		/* A series with nothing to draw would only make gnuplot warn. */
		if (finite)
			blk[nb++] = i;
	}

	char *image = xasprintf("%s-vs-%s%s.%s", k->stem, axis, suffix,
				plot_format_ext(c->req->format));
	snprintf(title, sizeof(title), "%s vs %s: %s", k->what, xword[xd], workload);
	if (nb == 0) {
		add_note(c->out, xasprintf("%s not drawn: no point has a measured value (%s vs %s, %s)",
					   image, k->what, xword[xd], workload));
		free(image);
		free(blk);
		return 1;
	}

	char *driver = xasprintf("%s-vs-%s%s.gp", k->stem, axis, suffix);
	char *dpath = xasprintf("%s/%s", c->dir, driver);
	FILE *f = fopen(dpath, "w");
	if (!f) {
		seterr(err, errlen, "%s: %s", dpath, strerror(errno));
		free(image);
		free(driver);
		free(dpath);
		free(blk);
		return -1;
	}
	free(dpath);
	fprintf(f, "# Driver of one contend chart: its data and settings; the look is in\n"
		"# the template loaded at the end. `gnuplot %s` here redraws it.\n", driver);
	gp_set_str(f, "plotsdir", c->templates);
	gp_set_str(f, "fmt", plot_format_ext(c->req->format));
	gp_set_str(f, "outfile", image);
	gp_set_str(f, "datafile", tsv);
	machines_words(c, machines, sizeof(machines));
	snprintf(full, sizeof(full), "%s\n%s", title, machines);
	gp_set_str(f, "chart_title", full);
	gp_set_str(f, "xlabel", xlabel[xd]);
	fprintf(f, "col_x = %d; col_tput = %d; col_tput_lo = %d; col_tput_hi = %d\n"
		"col_jain = %d; col_p99 = %d; col_csw = %d; col_cycles = %d; col_over = %d\n",
		COL_X, COL_TPUT, COL_TPUT_LO, COL_TPUT_HI, COL_JAIN, COL_P99, COL_CSW,
		COL_CYCLES, COL_OVER);

	fprintf(f, "nseries = %zu\narray blk[%zu]\narray titles[%zu]\n"
		"array lock_idx[%zu]\narray machine_idx[%zu]\n", nb, nb, nb, nb, nb);
	for (size_t i = 0; i < nb; i++) {
		const struct series *se = &s[blk[i]];

		fprintf(f, "blk[%zu] = %zu; lock_idx[%zu] = %zu; machine_idx[%zu] = %zu; titles[%zu] = ",
			i + 1, blk[i], i + 1, se->lock + 1, i + 1, se->input + 1, i + 1);
		gp_string(f, se->title);
		fputc('\n', f);
	}

	/* Log x for doubling thread counts or decades of ns; log y when the
	 * figures span more than ~2 decades, so that collapsed locks stay
	 * readable next to fast ones. */
	int logx = 0;
	if (xd == D_THREADS && xmin >= 1 && xmax / xmin >= 8)
		logx = 2;
	else if (xd != D_THREADS && xmin > 0 && xmax / xmin >= 10)
		logx = 10;
	fprintf(f, "logx = %d\nlogy = %d\n", logx,
		k->may_log && ymin > 0 && ymax / ymin > 50 ? 1 : 0);
	write_xtics(f, s, ns, xd, logx);
	write_oversubscription(f, c, s, ns, xd);
	write_failed(f, s, ns, xd);
	fprintf(f, "load plotsdir.'/%s'\nset output\n", k->tmpl);
	if (fclose(f) != 0) {
		seterr(err, errlen, "%s/%s: %s", c->dir, driver, strerror(errno));
		free(image);
		free(driver);
		free(blk);
		return -1;
	}

	char **d = realloc(c->drivers, (c->ndrivers + 1) * sizeof(*d));
	if (!d) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	c->drivers = d;
	c->drivers[c->ndrivers++] = driver;
	add_chart(c->out, image, tsv, xasprintf("%s", title));
	free(blk);
	return 0;
}

static unsigned sort_group_mask;

static int cmp_group(const void *a, const void *b)
{
	return group_cmp(*(const struct result_point *const *)a,
			 *(const struct result_point *const *)b, sort_group_mask);
}

/* Every chart of the kinds given, with XD on the x axis, one set per group. */
static int render_axis(struct plot_ctx *c, enum dim xd, unsigned vary,
		       const struct chart_kind *kinds, size_t nkinds, char *err, size_t errlen)
{
	const char *axis = xd == D_THREADS ? "threads" : xd == D_CS ? "cs" : "ncs";
	unsigned gmask = vary & ~(1u << xd);
	const struct result_point **reps = xcalloc(c->nrefs, sizeof(*reps));
	size_t nreps = 0;
	int rc = 0;

	for (size_t r = 0; r < c->nrefs; r++) {
		size_t q = 0;
		while (q < nreps && group_cmp(reps[q], c->refs[r].p, gmask) != 0)
			q++;
		if (q == nreps)
			reps[nreps++] = c->refs[r].p;
	}
	sort_group_mask = gmask;
	qsort(reps, nreps, sizeof(*reps), cmp_group);

	for (size_t g = 0; g < nreps && rc == 0; g++) {
		char suffix[256], workload[512];
		struct series *s;
		size_t ns = build_series(c, reps[g], gmask, xd, &s);

		group_suffix(reps[g], gmask, suffix, sizeof(suffix));
		workload_words(c, reps[g], xd, workload, sizeof(workload));
		char *tsv = xasprintf("data-vs-%s%s.tsv", axis, suffix);
		char *tpath = xasprintf("%s/%s", c->dir, tsv);
		if (write_group_tsv(tpath, s, ns, xd, workload)) {
			seterr(err, errlen, "%s: %s", tpath, strerror(errno));
			rc = -1;
		}
		for (size_t k = 0; k < nkinds && rc == 0; k++)
			if (write_chart(c, &kinds[k], xd, s, ns, suffix, tsv, workload, err, errlen) < 0)
				rc = -1;
		free(tsv);
		free(tpath);
		free_series(s, ns);
	}
	free(reps);
	return rc;
}

/* The most telling line of gnuplot's complaint: the one naming a file and
 * line ("x.gp" line 3: ...), else the last non-empty line. */
static void gnuplot_error_line(const char *log, char *buf, size_t len)
{
	FILE *f = fopen(log, "r");
	char line[512];

	snprintf(buf, len, "no message");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || strspn(line, " ^") == strlen(line))
			continue;
		snprintf(buf, len, "%s", line + strspn(line, " \t"));
		if (strstr(line, " line ") && strchr(line, ':'))
			break;
	}
	fclose(f);
}

static int run_gnuplot(const char *gnuplot, const struct plot_ctx *c, char *err, size_t errlen)
{
	char *log = xasprintf("%s/gnuplot.log", c->dir);
	const char **argv = xcalloc(c->ndrivers + 3, sizeof(*argv));
	int status = 0, rc = 0;
	pid_t pid;

	argv[0] = gnuplot;
	/* -d: ignore ~/.gnuplot, so a user's init file cannot change the charts. */
	argv[1] = "-d";
	for (size_t i = 0; i < c->ndrivers; i++)
		argv[i + 2] = c->drivers[i];

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		seterr(err, errlen, "gnuplot: fork: %s", strerror(errno));
		rc = -1;
	} else if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd < 0 || null < 0 || chdir(c->dir) != 0 || dup2(null, 0) < 0 ||
		    dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(gnuplot, (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", gnuplot, strerror(errno));
		_exit(127);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			char line[512];

			gnuplot_error_line(log, line, sizeof(line));
			seterr(err, errlen, "gnuplot failed (%s %d): %s",
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line);
			rc = -1;
		}
	}
	/* Warnings of a successful run are about skipped NaN points; the
	 * TSV already says which points are not measured. */
	unlink(log);
	free(log);
	free(argv);
	return rc;
}

static int check_images(const struct plot_ctx *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->out->n; i++) {
		char *path = xasprintf("%s/%s", c->dir, c->out->charts[i].image);
		struct stat st;
		int bad = stat(path, &st) != 0 || st.st_size == 0;

		free(path);
		if (bad) {
			seterr(err, errlen, "gnuplot wrote no %s", c->out->charts[i].image);
			return -1;
		}
	}
	return 0;
}

int plot_charts(const char *dir, const struct plot_input *in, size_t nin,
		const struct plot_request *req, struct chart_set *out,
		char *err, size_t errlen)
{
	char templates[PATH_MAX], gnuplot[PATH_MAX];
	struct plot_ctx c = { .dir = dir, .in = in, .nin = nin, .req = req,
			      .templates = templates, .out = out };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (plot_find_gnuplot(gnuplot, sizeof(gnuplot), err, errlen) ||
	    plot_find_templates(templates, sizeof(templates), err, errlen))
		return -1;
	collect(&c);
	if (c.nrefs == 0) {
		seterr(err, errlen, "no point to plot");
		goto out;
	}
	char *points = xasprintf("%s/points.tsv", dir);
	if (write_points_tsv(points, &c)) {
		seterr(err, errlen, "%s: %s", points, strerror(errno));
		free(points);
		goto out;
	}
	free(points);

	unsigned vary = varying_dims(&c);
	enum dim xd = axis_dim(req->x);
	if (render_axis(&c, xd, vary, chart_kinds, sizeof(chart_kinds) / sizeof(chart_kinds[0]),
			err, errlen))
		goto out;
	if (req->cs_chart && xd == D_THREADS && (vary & (1u << D_CS)) &&
	    render_axis(&c, D_CS, vary, chart_kinds, 1, err, errlen))
		goto out;
	if (c.ndrivers == 0) {
		seterr(err, errlen, "no chart has a measured value to draw");
		goto out;
	}
	if (run_gnuplot(gnuplot, &c, err, errlen) || check_images(&c, err, errlen))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < c.ndrivers; i++)
		free(c.drivers[i]);
	free(c.drivers);
	free(c.refs);
	free(c.locks);
	return rc;
}

void chart_set_free(struct chart_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->charts[i].image);
		free(set->charts[i].tsv);
		free(set->charts[i].title);
	}
	for (size_t i = 0; i < set->nnotes; i++)
		free(set->notes[i]);
	free(set->charts);
	free(set->notes);
	memset(set, 0, sizeof(*set));
}

/* ------------------------------------------------------------------------ */
/* Staged output directory                                                   */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

int staged_dir_begin(struct staged_dir *sd, const char *target, char *err, size_t errlen)
{
	struct stat st;
	size_t len = strlen(target);

	memset(sd, 0, sizeof(*sd));
	while (len > 1 && target[len - 1] == '/')
		len--;
	if (len == 0) {
		seterr(err, errlen, "-o: empty directory name");
		return -1;
	}
	sd->target = strndup(target, len);
	if (stat(sd->target, &st) == 0) {
		char *marker = xasprintf("%s/" MARKER_FILE, sd->target);
		bool ours = access(marker, F_OK) == 0;

		free(marker);
		if (!S_ISDIR(st.st_mode)) {
			seterr(err, errlen, "%s: exists and is not a directory", sd->target);
			goto fail;
		}
		/* Never replace what a user keeps there: only our own output
		 * (the marker is written last, on commit) or an empty dir. */
		if (!ours && !dir_is_empty(sd->target)) {
			seterr(err, errlen, "%s: exists, is not empty and was not written by contend; "
			       "choose another output directory", sd->target);
			goto fail;
		}
	} else if (errno != ENOENT) {
		seterr(err, errlen, "%s: %s", sd->target, strerror(errno));
		goto fail;
	}
	sd->tmp = xasprintf("%s.tmp-XXXXXX", sd->target);
	if (!mkdtemp(sd->tmp)) {
		seterr(err, errlen, "%s: cannot create a directory beside it: %s", sd->target,
		       strerror(errno));
		free(sd->tmp);
		sd->tmp = NULL;
		goto fail;
	}
	/* mkdtemp makes it 0700; the output is for sharing (a report served
	 * by a web server), so give it the permissions of a plain mkdir. */
	mode_t mask = umask(0);
	umask(mask);
	chmod(sd->tmp, 0777 & ~mask);
	return 0;
fail:
	free(sd->target);
	sd->target = NULL;
	return -1;
}

int staged_dir_commit(struct staged_dir *sd, char *err, size_t errlen)
{
	char *marker = xasprintf("%s/" MARKER_FILE, sd->tmp);
	FILE *m = fopen(marker, "w");

	free(marker);
	if (!m || fputs("Written by contend. The next contend plot/report/compare with -o here "
			"replaces this whole directory.\n", m) < 0 || fclose(m) != 0) {
		seterr(err, errlen, "%s: cannot write " MARKER_FILE ": %s", sd->tmp, strerror(errno));
		return -1;
	}
	if (rename(sd->tmp, sd->target) == 0)
		goto done;
	if (errno != EEXIST && errno != ENOTEMPTY && errno != EISDIR) {
		seterr(err, errlen, "%s: cannot rename %s into place: %s", sd->target, sd->tmp,
		       strerror(errno));
		return -1;
	}
	/* The target holds an earlier output: swap atomically, so a reader
	 * sees the old or the new directory whole, then drop the old one. */
	if (renameat2(AT_FDCWD, sd->tmp, AT_FDCWD, sd->target, RENAME_EXCHANGE) != 0) {
		/* A file system without RENAME_EXCHANGE: move the old one aside. */
		char *old = xasprintf("%s.old-XXXXXX", sd->target);

		if (!mkdtemp(old) || rmdir(old) != 0 || rename(sd->target, old) != 0 ||
		    rename(sd->tmp, sd->target) != 0) {
			seterr(err, errlen, "%s: cannot replace it: %s", sd->target, strerror(errno));
			free(old);
			return -1;
		}
		remove_tree(old);
		free(old);
		goto done;
	}
	remove_tree(sd->tmp);   /* now the previous output */
done:
	free(sd->tmp);
	sd->tmp = NULL;
	return 0;
}

void staged_dir_abort(struct staged_dir *sd)
{
	if (sd->tmp)
		remove_tree(sd->tmp);
	free(sd->tmp);
	free(sd->target);
	memset(sd, 0, sizeof(*sd));
}

/* ------------------------------------------------------------------------ */
/* Table figures                                                             */

void fmt_si(double v, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	size_t i = 0;
	double a = fabs(v);

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (a >= 1000 && i + 1 < sizeof(suffix) / sizeof(suffix[0])) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	snprintf(buf, len, a >= 100 ? "%.0f%s" : a >= 10 ? "%.1f%s" : "%.2f%s", v, suffix[i]);
}

void fmt_num(double v, const char *printf_fmt, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, printf_fmt, v);
}

int plot_parse_options(int argc, char **argv, const char *usage, bool allow_pdf,
		       struct plot_request *req, const char **outdir, char **locks)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "x", required_argument, NULL, 'x' },
		{ "locks", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:f:x:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': *outdir = optarg; break;
		case 'f':
			if (plot_parse_format(optarg, &req->format) ||
			    (!allow_pdf && req->format == PLOT_PDF)) {
				cli_usage_error("--format: '%s' is not %s", optarg,
						allow_pdf ? "png, svg or pdf" : "svg or png");
				return EXIT_USAGE;
			}
			break;
		case 'x':
			if (plot_parse_axis(optarg, &req->x)) {
				cli_usage_error("--x: '%s' is not threads, cs or ncs", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l': *locks = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv);
		}
	}
	return -1;
}
