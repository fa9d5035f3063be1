/*
 * plot_data.c - from points to chart data: which points a request includes,
 * how they split into groups (one chart per group and metric) and series
 * (one per input file and lock), and the TSV files written for them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "plot_internal.h"

/* ------------------------------------------------------------------------ */
/* Grouping points                                                           */

enum dim plot_axis_dim(enum plot_axis x)
{
	return x == AXIS_CS ? D_CS : x == AXIS_NCS ? D_NCS : D_THREADS;
}

int plot_cmp_double(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int plot_dim_cmp(const struct result_point *a, const struct result_point *b, enum dim d)
{
	switch (d) {
	case D_THREADS: return plot_cmp_double(a->threads, b->threads);
	case D_CS: return plot_cmp_double(a->cs_ns, b->cs_ns);
	case D_NCS: return plot_cmp_double(a->ncs_ns, b->ncs_ns);
	case D_PIN: return strcmp(a->pin, b->pin);
	case D_PERMITS: return plot_cmp_double(a->permits, b->permits);
	case D_NLOCKS: return plot_cmp_double(a->nlocks, b->nlocks);
	case D_CS_LINES: return plot_cmp_double(a->cs_lines, b->cs_lines);
	case D_COUNT: break;
	}
	return 0;
}

double plot_dim_x(const struct result_point *p, enum dim d)
{
	return d == D_CS ? p->cs_ns : d == D_NCS ? p->ncs_ns : (double)p->threads;
}

void plot_collect(struct plot_ctx *c)
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

			if (!results_lock_listed(c->req->locks, c->req->nlocks, p->lock))
				continue;
			for (l = 0; l < c->nlocks; l++)
				if (strcmp(c->locks[l], p->lock) == 0)
					break;
			if (l == c->nlocks)
				c->locks[c->nlocks++] = p->lock;
			c->refs[c->nrefs++] = (struct ref){ p, i, l };
		}
	}
	/* A lock's look comes from its place in the registry, so that it is
	 * the same in every report of this contend; locks the registry does
	 * not know follow, in order of appearance. */
	size_t unknown = 0;
	c->looks = xcalloc(c->nlocks, sizeof(*c->looks));
	for (size_t l = 0; l < c->nlocks; l++) {
		size_t r = 0;

		while (r < lock_count() && strcmp(lock_at(r)->name, c->locks[l]) != 0)
			r++;
		c->looks[l] = r < lock_count() ? r : lock_count() + unknown++;
	}
}

/* Which dimensions take more than one value among the included points. */
unsigned plot_varying_dims(const struct plot_ctx *c)
{
	unsigned mask = 0;

	for (enum dim d = 0; d < D_COUNT; d++)
		for (size_t i = 1; i < c->nrefs; i++)
			if (plot_dim_cmp(c->refs[0].p, c->refs[i].p, d) != 0) {
				mask |= 1u << d;
				break;
			}
	return mask;
}

int plot_group_cmp(const struct result_point *a, const struct result_point *b, unsigned mask)
{
	for (enum dim d = 0; d < D_COUNT; d++) {
		if (!(mask & (1u << d)))
			continue;
		int r = plot_dim_cmp(a, b, d);
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
void plot_group_suffix(const struct result_point *p, unsigned mask, char *buf, size_t len)
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
void plot_workload_words(const struct plot_ctx *c, const struct result_point *p,
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

void plot_put_num(FILE *f, double v)
{
	/* gnuplot and most TSV readers take "NaN"; printf would write "nan". */
	if (isnan(v))
		fputs("NaN", f);
	else
		fprintf(f, "%.10g", v);
}

void plot_put_str(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* Value of a chart column for a point; failed points have none. */
double plot_column_value(const struct result_point *p, enum col col)
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

int plot_write_points_tsv(const char *path, const struct plot_ctx *c)
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

		plot_put_str(f, c->in[c->refs[i].input].legend);
		fputc('\t', f);
		plot_put_str(f, c->in[c->refs[i].input].file->path);
		fputc('\t', f);
		plot_put_str(f, p->lock);
		fprintf(f, "\t%ld\t", p->threads);
		plot_put_num(f, p->cs_ns);
		fputc('\t', f);
		plot_put_num(f, p->ncs_ns);
		fputc('\t', f);
		plot_put_str(f, p->pin);
		fprintf(f, "\t%ld\t%ld\t%ld\t%s\t%ld\t%ld\t%d\t%d\t%d", p->permits, p->nlocks,
			p->cs_lines, p->failed ? "failed" : "ok", p->violations, p->repeats,
			p->oversubscribed, p->noisy, p->machine_changed);
		for (size_t k = 0; k < sizeof(figs) / sizeof(figs[0]); k++) {
			fputc('\t', f);
			plot_put_num(f, figs[k]);
		}
		fprintf(f, "\t%ld\n", p->migrations);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int cmp_x_dim;

static int cmp_by_x(const void *a, const void *b)
{
	const struct result_point *pa = *(const struct result_point *const *)a;
	const struct result_point *pb = *(const struct result_point *const *)b;

	return plot_cmp_double(plot_dim_x(pa, cmp_x_dim), plot_dim_x(pb, cmp_x_dim));
}

size_t plot_build_series(const struct plot_ctx *c, const struct result_point *rep,
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
				    plot_group_cmp(c->refs[r].p, rep, gmask) == 0)
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

void plot_free_series(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].pts);
		free(s[i].title);
	}
	free(s);
}

int plot_write_group_tsv(const char *path, const struct series *s, size_t ns, enum dim xd,
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
		plot_put_str(f, s[i].title);
		fputc('\n', f);
		for (size_t k = 0; k < s[i].n; k++) {
			const struct result_point *p = s[i].pts[k];

			plot_put_num(f, plot_dim_x(p, xd));
			for (enum col col = COL_TPUT; col <= COL_P50; col++) {
				fputc('\t', f);
				switch (col) {
				case COL_OVER: fprintf(f, "%d", p->oversubscribed); break;
				case COL_THREADS: fprintf(f, "%ld", p->threads); break;
				case COL_CS: plot_put_num(f, p->cs_ns); break;
				case COL_NCS: plot_put_num(f, p->ncs_ns); break;
				case COL_STATUS: fputs(p->failed ? "failed" : "ok", f); break;
				default: plot_put_num(f, plot_column_value(p, col)); break;
				}
			}
			fputc('\n', f);
		}
	}
	return fclose(f) == 0 ? 0 : -1;
}
