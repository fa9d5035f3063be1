/* compare_text.c - the table of contend compare on stdout and in
 * compare.txt, and compare.tsv (see compare_text.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_platform.h"
#include "compare_text.h"
#include "run_spec.h"
#include "fmt.h"

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
		const struct results_file *f = c->file[s];
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

static void tput_cell(const struct result_point *p, const struct compare_side *s, char *buf, size_t len)
{
	char med[16], lo[16], hi[16];

	if (p->failed) {
		snprintf(buf, len, "failed (%ld violations)", p->violations);
		return;
	}
	fmt_si(s->median, med, sizeof(med));
	fmt_si(s->low, lo, sizeof(lo));
	fmt_si(s->high, hi, sizeof(hi));
	if (s->level > 0)
		snprintf(buf, len, "%s [%s, %s] %.0f%%", med, lo, hi, 100 * s->level);
	else
		snprintf(buf, len, "%s [%s, %s] –", med, lo, hi);
}

void compare_print_table(FILE *out, const struct comparison *c)
{
	struct columns col = { 0 };
	char cell[2][80], ratio[16];

	size_columns(c, &col);
	for (int s = 0; s < 2; s++)
		fprintf(out, "%-4s  %s: %s, %s%s\n", s ? "NEW" : "BASE", c->file[s]->path,
			c->label[s], c->file[s]->timestamp,
			c->file[s]->complete ? "" : " (incomplete sweep)");
	run_spec_compare_line(out, c->file[0]->root, c->file[1]->root);
	if (c->platform) {
		fprintf(out, "platform mode (%s): two machines, compared as platforms "
			"(--mode same for the one-machine rules)\n", c->mode_why);
		compare_platform_identity(out, c->file);
		fprintf(out, "verdict: faster/slower when each side's own CI of its median "
			"(level >= %.0f%%) lies apart from the other's and the ratio differs by "
			">= %g%%; else within noise.\nPlacement regimes, speed and load are not "
			"matched: between machines they differ by nature.\n\n",
			100 * COMPARE_MIN_CI_LEVEL, c->threshold * 100);
	} else {
		fprintf(out, "verdict: faster/slower when the CIs of the medians (level >= %.0f%%) do not "
			"overlap and the ratio differs by >= %g%% (times the machine's speed shift); "
			"else within noise.\n"
			"Repeats are compared within the placement regime both runs shared; not "
			"comparable when none was shared, the machine's speed moved > %.0f%%, or\n"
			"other processes took %.0f points more of the point's CPUs in one run, or over "
			"%.0f%% in either.\n\n",
			100 * COMPARE_MIN_CI_LEVEL, c->threshold * 100, 100 * (COMPARE_MAX_SPEED_SHIFT - 1),
			100 * COMPARE_MAX_FOREIGN_SHIFT, 100 * COMPARE_MAX_FOREIGN);
	}

	fprintf(out, "%-*s %7s %8s %8s  %-*s", col.lock_w, "LOCK", "THREADS", "CS_NS", "NCS_NS",
		col.pin_w, "PIN");
	if (col.permits)
		fprintf(out, " %7s", "PERMITS");
	if (col.nlocks)
		fprintf(out, " %6s", "NLOCKS");
	if (col.cs_lines)
		fprintf(out, " %5s", "LINES");
	fprintf(out, "  %-30s %-30s %8s  %s\n", "BASE acq/s [CI] level", "NEW acq/s [CI] level",
		"NEW/BASE", "VERDICT");
	for (size_t i = 0; i < c->nm; i++) {
		const struct compare_match *m = &c->m[i];

		print_key(out, &col, m->base);
		tput_cell(m->base, &m->s[0], cell[0], sizeof(cell[0]));
		tput_cell(m->new, &m->s[1], cell[1], sizeof(cell[1]));
		fmt_num(m->ratio, "%.3f", ratio, sizeof(ratio));
		/* the en dash of "no level" is 3 bytes, 1 column */
		fprintf(out, "  %-*s %-*s %8s  %s", 30 + 2 * !!strstr(cell[0], "–"), cell[0],
			30 + 2 * !!strstr(cell[1], "–"), cell[1], ratio, compare_verdict_words[m->verdict]);
		if (m->verdict == V_FAILED)
			fprintf(out, " (%s)", m->failed_side);
		else if (m->note[0])
			fprintf(out, " (%s)", m->note);
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
	fprintf(out, "%-*s %6s %8s %7s %7s %13s %6s %7s %15s\n", col.lock_w, "LOCK", "POINTS",
		"GEOMEAN", "FASTER", "SLOWER", "WITHIN_NOISE", "NO_CI", "FAILED",
		"NOT_COMPARABLE");
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
			const struct compare_match *m = &c->m[q];
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
		fprintf(out, "%-*s %6zu %8s %7zu %7zu %13zu %6zu %7zu %15zu\n", col.lock_w,
			lock ? lock : "(all)", points, gm, counts[V_FASTER], counts[V_SLOWER],
			counts[V_NOISE], counts[V_NO_CI], counts[V_FAILED],
			counts[V_NOT_COMPARABLE]);
	}
	if (c->platform)
		compare_platform_summary(out, c->file);
}

int compare_write_tsv(const char *path, const struct comparison *c)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "lock\tthreads\tcs_ns\tncs_ns\tpin\tpermits\tnlocks\tcs_lines\t"
		"base_throughput\tbase_ci_low\tbase_ci_high\tbase_status\t"
		"new_throughput\tnew_ci_low\tnew_ci_high\tnew_status\tratio\tverdict\tnote\t"
		"base_ci_level\tnew_ci_level");
	compare_platform_tsv_head(f);
	fputc('\n', f);
	for (size_t i = 0; i < c->nm; i++) {
		const struct compare_match *m = &c->m[i];
		const struct result_point *p = m->base;
		const struct result_point *side[2] = { m->base, m->new };

		fprintf(f, "%s\t%ld\t%.10g\t%.10g\t%s\t%ld\t%ld\t%ld", p->lock, p->threads,
			p->cs_ns, p->ncs_ns, p->pin, p->permits, p->nlocks, p->cs_lines);
		for (int s = 0; s < 2; s++) {
			const double v[3] = { m->s[s].median, m->s[s].low, m->s[s].high };
			for (int k = 0; k < 3; k++)
				isnan(v[k]) ? fputs("\tNaN", f) : fprintf(f, "\t%.10g", v[k]);
			fprintf(f, "\t%s", side[s]->failed ? "failed" : "ok");
		}
		isnan(m->ratio) ? fputs("\tNaN", f) : fprintf(f, "\t%.6g", m->ratio);
		/* the interval's columns are named by what they are: the level
		 * its order statistics reached (0: no interval), not 95 % */
		fprintf(f, "\t%s\t%s\t%.6g\t%.6g", compare_verdict_words[m->verdict], m->note,
			m->s[0].level, m->s[1].level);
		compare_platform_tsv_row(f, c->file, c->platform, m->base, m->new);
		fputc('\n', f);
	}
	return fclose(f) == 0 ? 0 : -1;
}
