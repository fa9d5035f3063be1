/* sweep.c - the sweep engine: points, rounds, aggregation (see sweep.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "stats.h"
#include "sweep.h"

double sweep_median(const struct sweep_point *p, size_t offset)
{
	double v[p->done ? p->done : 1];
	size_t n = 0;
	for (size_t i = 0; i < p->done; i++) {
		double x = *(const double *)((const char *)&p->rep[i] + offset);
		if (isfinite(x))
			v[n++] = x;
	}
	if (n == 0)
		return NAN;
	struct summary s;
	stats_summarize(v, n, &s);
	return s.median;
}

void sweep_throughput_summary(const struct sweep_point *p, struct summary *s)
{
	double v[p->done ? p->done : 1];
	for (size_t i = 0; i < p->done; i++)
		v[i] = p->rep[i].throughput;
	stats_summarize(v, p->done, s);
}

static bool moved(double before, double after)
{
	if (!isfinite(before) || !isfinite(after) || before <= 0 || after <= 0)
		return false;
	double r = after > before ? after / before : before / after;
	return r > 1.25;
}

bool sweep_probe_moved(const struct sweep_point *p)
{
	for (size_t i = 0; i < p->done; i++)
		if (moved(p->rep[i].rtt_before, p->rep[i].rtt_after) ||
		    moved(p->rep[i].speed_before, p->rep[i].speed_after))
			return true;
	return false;
}

/* xorshift64*: the shuffled order of each round, reproducible by seed. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

/* Fold one finished repeat into its point. */
static void record_repeat(struct sweep_point *p, const struct run_result *r, unsigned round,
			  double rtt_before, double rtt_after, double speed_before,
			  double speed_after, double bare)
{
	struct repeat_figures *f = &p->rep[p->done];
	double acq = (double)r->acquisitions;
	uint64_t vcsw = 0, ivcsw = 0, timed = 0;
	struct lock_stats ls = { 0 };
	double perf[PERF_NEVENTS] = { 0 };
	bool perf_ok[PERF_NEVENTS];

	for (int e = 0; e < PERF_NEVENTS; e++)
		perf_ok[e] = true;
	for (unsigned i = 0; i < r->threads; i++) {
		const struct run_thread_result *t = &r->per_thread[i];
		struct thread_sums *s = &p->per_thread[i];
		vcsw += t->voluntary_csw;
		ivcsw += t->involuntary_csw;
		timed += t->timed;
		ls.futex_waits += t->lock_stats.futex_waits;
		ls.futex_wakes += t->lock_stats.futex_wakes;
		ls.spins += t->lock_stats.spins;
		ls.spin_fails += t->lock_stats.spin_fails;
		for (int e = 0; e < PERF_NEVENTS; e++) {
			if (t->perf[e] < 0)
				perf_ok[e] = false;
			else
				perf[e] += (double)t->perf[e];
		}
		s->cpu = t->cpu_planned;
		s->cpu_start = t->cpu_start;
		s->cpu_end = t->cpu_end;
		s->acquisitions += t->acquisitions;
		s->voluntary_csw += t->voluntary_csw;
		s->involuntary_csw += t->involuntary_csw;
		s->futex_waits += t->lock_stats.futex_waits;
		s->futex_wakes += t->lock_stats.futex_wakes;
		s->spins += t->lock_stats.spins;
		hist_merge(&p->acquire_hist, &t->acquire_hist);
		hist_merge(&p->hold_hist, &t->hold_hist);
		p->sample_every = t->sample_every;
	}
	f->round = round;
	f->throughput = r->throughput;
	f->window_ns = r->window_ns;
	f->acquisitions = r->acquisitions;
	f->violations = r->violations;
	f->jain = r->jain;
	f->min_share = r->min_share;
	f->max_share = r->max_share;
	f->same_share = r->same_holder_share;
	f->migrations = r->migrations;
	f->overhead_share = r->overhead_share;
	/* Per-acquisition figures are undefined when nothing was acquired. */
	f->cycles_per_acq = acq > 0 ? (double)r->window_ticks * r->threads / acq : NAN;
	f->vcsw_per_acq = acq > 0 ? vcsw / acq : NAN;
	f->ivcsw_per_acq = acq > 0 ? ivcsw / acq : NAN;
	f->timed_share = acq > 0 ? timed / acq : NAN;
	f->futex_waits_per_acq = acq > 0 ? ls.futex_waits / acq : NAN;
	f->futex_wakes_per_acq = acq > 0 ? ls.futex_wakes / acq : NAN;
	f->spins_per_acq = acq > 0 ? ls.spins / acq : NAN;
	f->spin_fails_per_acq = acq > 0 ? ls.spin_fails / acq : NAN;
	for (int e = 0; e < PERF_NEVENTS; e++)
		f->perf_per_acq[e] = perf_ok[e] && acq > 0 ? perf[e] / acq : NAN;
	f->rtt_before = rtt_before;
	f->rtt_after = rtt_after;
	f->speed_before = speed_before;
	f->speed_after = speed_after;
	f->bare_ns = bare;
	p->done++;
}

int sweep_build_points(struct sweep *s, char *err, size_t errlen)
{
	const struct sweep_config *c = &s->cfg;
	char perr[256];
	size_t k = 0;

	s->npoints = c->nlocks_list * c->nthreads * c->ncs * c->nncs;
	s->points = calloc(s->npoints ? s->npoints : 1, sizeof(*s->points));
	if (s->points == NULL) {
		snprintf(err, errlen, "out of memory for %zu points", s->npoints);
		return -1;
	}
	for (size_t l = 0; l < c->nlocks_list; l++)
		for (size_t t = 0; t < c->nthreads; t++)
			for (size_t a = 0; a < c->ncs; a++)
				for (size_t b = 0; b < c->nncs; b++, k++) {
		struct sweep_point *p = &s->points[k];
		p->lock = c->locks[l];
		p->threads = c->threads[t];
		p->cs_ns = c->cs_ns[a];
		p->ncs_ns = c->ncs_ns[b];
		p->permits = (p->lock->props & LOCK_COUNTING) ? c->permits : 1;
		p->rep = calloc(c->repeats, sizeof(*p->rep));
		p->per_thread = calloc(p->threads, sizeof(*p->per_thread));
		p->cpus = calloc(p->threads, sizeof(int));
		if (!p->rep || !p->per_thread || !p->cpus) {
			snprintf(err, errlen, "out of memory for point %zu", k);
			return -1;
		}
		topo_plan(s->topo, c->pin, p->threads, c->oversubscribe, p->cpus, perr,
			  sizeof(perr));
		p->oversubscribed = topo_plan_is_oversubscribed(s->topo, c->pin, p->threads);
		hist_init(&p->acquire_hist);
		hist_init(&p->hold_hist);
	}
	return 0;
}

bool sweep_run_rounds(struct sweep *s, volatile sig_atomic_t *stop_request,
		      sweep_progress_fn progress, void *ctx)
{
	const struct sweep_config *c = &s->cfg;
	size_t *order = calloc(s->npoints ? s->npoints : 1, sizeof(size_t));
	uint64_t rng = c->seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
	struct sweep_progress pr = { .total = s->npoints * c->repeats };
	char err[512];
	bool all_ran = true;

	if (order == NULL) {
		for (size_t i = 0; i < s->npoints; i++)
			snprintf(s->points[i].error, sizeof(s->points[i].error), "out of memory");
		return false;
	}
	for (unsigned round = 0; round < c->repeats && !*stop_request; round++) {
		for (size_t i = 0; i < s->npoints; i++)
			order[i] = i;
		for (size_t i = s->npoints; i > 1; i--) {
			size_t j = rng_next(&rng) % i;
			size_t tmp = order[i - 1];
			order[i - 1] = order[j];
			order[j] = tmp;
		}
		pr.round = round;
		for (size_t oi = 0; oi < s->npoints && !*stop_request; oi++) {
			struct sweep_point *p = &s->points[order[oi]];
			struct run_point rp = {
				.lock = p->lock, .threads = p->threads, .cpus = p->cpus,
				.cs_ns = p->cs_ns, .ncs_ns = p->ncs_ns, .exp_dist = c->exp_dist,
				.permits = p->permits, .nlocks = c->nlocks, .cs_lines = c->cs_lines,
				.spin_budget = c->spin_budget, .warmup_s = c->warmup_s,
				.duration_s = c->duration_s, .sample_every = c->sample_every,
				.seed = c->seed + round, .mem = &c->mem,
			};
			struct run_result r;

			pr.done++;
			if (p->error[0])
				continue; /* failed to run once: do not try again */
			pr.point = p;
			pr.event = SWEEP_REPEAT_START;
			pr.message = NULL;
			if (progress)
				progress(s, &pr, ctx);
			double rtt0 = p->threads > 1 ? probe_rtt_ns(p->cpus[0], p->cpus[1], &s->env.tsc) : NAN;
			double sp0 = speed_probe_ns();
			double bare = p->threads == 1 ? run_bare_ns_per_op(&s->env, p->lock, p->permits, p->cpus[0]) : NAN;
			if (run_point_once(&s->env, &rp, stop_request, &r, err, sizeof(err)) != 0) {
				snprintf(p->error, sizeof(p->error), "%s", err);
				pr.event = SWEEP_REPEAT_ERROR;
				pr.message = err;
				if (progress)
					progress(s, &pr, ctx);
				all_ran = false;
				continue;
			}
			if (r.interrupted) {
				run_result_free(&r);
				break; /* the current point is dropped, not half-counted */
			}
			double rtt1 = p->threads > 1 ? probe_rtt_ns(p->cpus[0], p->cpus[1], &s->env.tsc) : NAN;
			double sp1 = speed_probe_ns();
			if (s->mem_note[0] == '\0' && r.mem_note[0])
				snprintf(s->mem_note, sizeof(s->mem_note), "%s", r.mem_note);
			record_repeat(p, &r, round, rtt0, rtt1, sp0, sp1, bare);
			run_result_free(&r);
		}
		/* A checkpoint after every round: a killed sweep keeps them. */
		if (!*stop_request && round + 1 < c->repeats && progress) {
			pr.event = SWEEP_ROUND_END;
			pr.point = NULL;
			pr.message = NULL;
			progress(s, &pr, ctx);
		}
	}
	free(order);
	return all_ran;
}

void sweep_free(struct sweep *s)
{
	for (size_t i = 0; s->points && i < s->npoints; i++) {
		free(s->points[i].rep);
		free(s->points[i].per_thread);
		free(s->points[i].cpus);
	}
	free(s->points);
	free(s->cfg.locks);
	free(s->cfg.threads);
	free(s->cfg.cs_ns);
	free(s->cfg.ncs_ns);
	if (s->topo)
		topo_free(s->topo);
	s->points = NULL;
	s->topo = NULL;
}
