/* run_output.c - a sweep as a text table (perf-bench style) and as CSV. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "findings.h"
#include "fmt.h"
#include "stats.h"
#include "run_output.h"
#include "writer.h"

/* The table shows "-" for a figure that is not finite, as for one not
 * measured (NaN: no acquisition in the windows). */
static double finite_or_nan(double v)
{
	return isfinite(v) ? v : NAN;
}

static double p99_ns(const struct sweep *s, const struct sweep_point *p)
{
	if (hist_count(&p->acquire_hist) == 0)
		return NAN;
	return tsc_cycles_to_ns(&s->env.tsc, hist_value_at_percentile(&p->acquire_hist, 99));
}

static uint64_t point_violations(const struct sweep_point *p)
{
	uint64_t v = 0;
	for (size_t i = 0; i < p->done; i++)
		v += p->rep[i].violations;
	return v;
}

/* The confidence level an interval over n repeats reaches, as printed:
 * "93.8%" for 5, "–" for one repeat (a single value has no interval). */
static const char *ci_level_text(size_t n, char *buf, size_t len)
{
	size_t lo, hi;
	double level = stats_median_ci_ranks(n, &lo, &hi);
	if (n < 2 || level <= 0)
		snprintf(buf, len, "–");
	else
		snprintf(buf, len, "%.3g%%", 100 * level);
	return buf;
}

void sweep_print_table(const struct sweep *s, FILE *out)
{
	const struct sweep_config *c = &s->cfg;
	const char *model = topo_cpu_model(s->topo);
	bool any_noisy = false, any_moved = false, any_over = false, any_starved = false,
	     any_off = false;
	size_t nmin = SIZE_MAX, nmax = 0;
	char level[16], head[48];

	/* The header prints the level the points reached, not the one aimed
	 * for; when they differ (an interrupted sweep, a failed point), each
	 * row says its own. */
	for (size_t i = 0; i < s->npoints; i++) {
		if (s->points[i].done == 0)
			continue;
		nmin = s->points[i].done < nmin ? s->points[i].done : nmin;
		nmax = s->points[i].done > nmax ? s->points[i].done : nmax;
	}
	bool per_row = nmax > 0 && nmin != nmax;
	if (per_row)
		snprintf(head, sizeof(head), "THROUGHPUT acq/s [CI, level]");
	else
		snprintf(head, sizeof(head), "THROUGHPUT acq/s [CI %s]",
			 ci_level_text(nmax ? nmax : c->repeats, level, sizeof(level)));

	fprintf(out, "# contend run: %u CPUs%s%s%s, pin %s, %.3gs x %u repeats, seed %llu%s\n",
		topo_pus(s->topo), model ? " (" : "", model ? model : "", model ? ")" : "",
		c->pin, c->duration_s, c->repeats, (unsigned long long)c->seed,
		s->complete ? "" : "  [INTERRUPTED: partial results]");
	fprintf(out, "%-17s %4s %7s %7s  %-28s %8s %6s %9s %8s %8s  %s\n", "LOCK", "THR", "CS",
		"NCS", head, "PER-ACQ", "JAIN", "P99-ACQ", "VCSW/1k",
		"ICSW/1k", "FLAGS");
	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *p = &s->points[i];
		char a[16], b[16], cc[16], cs[16], ncs[16], lat[16], per[16], ci[40], flags[64];
		struct summary th;
		uint64_t viol;

		if (p->done == 0) {
			if (p->error[0])
				fprintf(out, "%-17s %4u  ERROR: %s\n", p->lock->name, p->threads,
					p->error);
			continue;
		}
		sweep_throughput_summary(p, &th);
		viol = point_violations(p);
		snprintf(ci, sizeof(ci), "%s [%s-%s]%s%s", fmt_si_short(th.median, a, sizeof(a)),
			 fmt_si_short(th.ci95_low, b, sizeof(b)), fmt_si_short(th.ci95_high, cc, sizeof(cc)),
			 per_row ? " " : "", per_row ? ci_level_text(p->done, level, sizeof(level)) : "");
		bool noisy = summary_has_spread(&th) && th.cv > 0.05;
		char why[160];
		bool moved = sweep_machine_changed(p, why, sizeof(why));
		bool starved = sweep_starved_threads(p) > 0;
		bool off = sweep_cs_off_target(s, p);
		any_noisy |= noisy;
		any_moved |= moved;
		any_over |= p->oversubscribed;
		any_starved |= starved;
		any_off |= off;
		snprintf(flags, sizeof(flags), "%s%s%s%s%s%s", p->oversubscribed ? "+" : "",
			 noisy ? "~" : "", moved ? "!" : "", starved ? "S" : "", off ? "C" : "",
			 viol ? " FAILED: mutual exclusion violated" : "");
		char jain[16], vcsw[16], ivcsw[16];
		fprintf(out, "%-17s %4u %7s %7s  %-28s %8s %6s %9s %8s %8s  %s\n",
			p->lock->name, p->threads, fmt_dur_short(p->cs_ns, cs, sizeof(cs)),
			fmt_dur_short(p->ncs_ns, ncs, sizeof(ncs)), ci,
			fmt_dur_short(th.median > 0 ? 1e9 / th.median : NAN, per, sizeof(per)),
			fmt_num(finite_or_nan(SWEEP_MEDIAN(p, jain)), "%.3f", jain, sizeof(jain)),
			fmt_dur_short(p99_ns(s, p), lat, sizeof(lat)),
			fmt_num(finite_or_nan(1000 * SWEEP_MEDIAN(p, vcsw_per_acq)), "%.2f",
				vcsw, sizeof(vcsw)),
			fmt_num(finite_or_nan(1000 * SWEEP_MEDIAN(p, ivcsw_per_acq)), "%.2f",
				ivcsw, sizeof(ivcsw)),
			flags);
		/* A point whose repeats fell into placement regimes: each one. */
		struct sweep_regime reg[8];
		size_t nreg = sweep_point_regimes(p, reg, 8);
		for (size_t k = 0; nreg > 1 && k < nreg; k++)
			fprintf(out, "%-17s %4s %7s %7s    regime %.0f ns round trip: %s acq/s over "
				"%zu repeat%s\n", "", "", "", "", reg[k].rtt_ns,
				fmt_si_short(reg[k].median, a, sizeof(a)), reg[k].repeats,
				reg[k].repeats == 1 ? "" : "s");
		if (viol)
			fprintf(stderr, "contend run: FAILED: %s with %u threads saw %llu mutual "
				"exclusion violations: its throughput is not a result\n",
				p->lock->name, p->threads, (unsigned long long)viol);
	}
	/* The harness's own cost, where it can be seen: one thread, empty
	 * sections, next to the lock's bare inlined lock+unlock loop. */
	bool header = false;
	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *p = &s->points[i];
		struct summary th;
		double bare = p->done ? SWEEP_MEDIAN(p, bare_ns) : NAN;
		if (p->threads != 1 || p->cs_ns != 0 || p->ncs_ns != 0 || !isfinite(bare))
			continue;
		sweep_throughput_summary(p, &th);
		/* No acquisition in the windows: no cost per acquisition. */
		if (!(th.median > 0))
			continue;
		if (!header)
			fprintf(out, "# uncontended cost: measured loop vs bare inlined lock+unlock\n");
		header = true;
		fprintf(out, "#   %-17s %7.2f ns vs %7.2f ns bare (%.2fx)\n", p->lock->name,
			1e9 / th.median, bare, 1e9 / th.median / bare);
	}
	if (any_over || any_noisy || any_moved || any_starved || any_off)
		fprintf(out, "# flags:%s%s%s%s%s\n", any_over ? " + oversubscribed" : "",
			any_noisy ? "  ~ noisy (CV > 5%)" : "",
			any_moved ? "  ! machine changed: a probe's state (placement, CPU speed, other "
				    "load) split the repeats and their throughput" : "",
			any_starved ? "  S starved: a thread made no acquisition in a window" : "",
			any_off ? "  C section more than 10% off the asked length" : "");
	/* The same findings as the summary of `contend report`. */
	json_t *doc = sweep_to_json(s);
	findings_print_json(doc, out);
	json_decref(doc);
}

void sweep_print_csv(const struct sweep *s, FILE *out)
{
	fprintf(out, "lock,threads,cs_ns,ncs_ns,status,repeats,throughput,ci95_low,ci95_high,"
		     "ci_level,cv,ns_per_acq,jain,min_share,max_share,acquire_p50_ns,acquire_p99_ns,"
		     "voluntary_csw_per_acq,involuntary_csw_per_acq,wall_cycles_per_acq,"
		     "cpu_ns_per_acq,cs_ns_achieved,ncs_ns_achieved,starved_threads,"
		     "oversubscribed,noisy,machine_changed\n");
	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *p = &s->points[i];
		struct summary th;
		char why[160];
		double p50 = NAN;

		if (p->done == 0)
			continue;
		sweep_throughput_summary(p, &th);
		if (hist_count(&p->acquire_hist))
			p50 = tsc_cycles_to_ns(&s->env.tsc,
					       hist_value_at_percentile(&p->acquire_hist, 50));
		fprintf(out, "%s,%u,%.6g,%.6g,%s,%zu", p->lock->name, p->threads, p->cs_ns,
			p->ncs_ns, point_violations(p) ? "failed" : "ok", p->done);
		const double fields[] = {
			th.median, th.ci95_low, th.ci95_high,
			/* empty for one repeat: a single value has no interval */
			p->done > 1 ? th.ci_level : NAN,
			summary_has_spread(&th) ? th.cv : NAN,
			th.median > 0 ? 1e9 / th.median : NAN, SWEEP_MEDIAN(p, jain),
			SWEEP_MEDIAN(p, min_share), SWEEP_MEDIAN(p, max_share), p50, p99_ns(s, p),
			SWEEP_MEDIAN(p, vcsw_per_acq), SWEEP_MEDIAN(p, ivcsw_per_acq),
			SWEEP_MEDIAN(p, cycles_per_acq), SWEEP_MEDIAN(p, m.cpu_ns_per_acq),
			SWEEP_MEDIAN(p, m.cs_ns_achieved), SWEEP_MEDIAN(p, m.ncs_ns_achieved),
			(double)sweep_starved_threads(p),
		};
		/* An empty field for what was not measured. */
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			isfinite(fields[f]) ? fprintf(out, ",%.6g", fields[f]) : fputs(",", out);
		fprintf(out, ",%d,%d,%d\n", p->oversubscribed,
			summary_has_spread(&th) && th.cv > 0.05, sweep_machine_changed(p, why, sizeof(why)));
	}
}
