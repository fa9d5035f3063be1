/* sweep.c - the sweep engine: points, rounds, aggregation (see sweep.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "stats.h"
#include "sweep.h"
#include "sweep_internal.h"

void sweep_throughput_summary(const struct sweep_point *p, struct summary *s)
{
	double v[p->done ? p->done : 1];
	for (size_t i = 0; i < p->done; i++)
		v[i] = p->rep[i].throughput;
	stats_summarize(v, p->done, s);
}

/* A repeat's round trip: the mean of its probes before and after, leaving
 * out a probe that was preempted (over STATS_REGIME_MAX_NS). */
static double repeat_rtt(const struct repeat_figures *f)
{
	bool b = isfinite(f->rtt_before) && f->rtt_before <= STATS_REGIME_MAX_NS;
	bool a = isfinite(f->rtt_after) && f->rtt_after <= STATS_REGIME_MAX_NS;
	if (a && b)
		return (f->rtt_before + f->rtt_after) / 2;
	return b ? f->rtt_before : a ? f->rtt_after : NAN;
}

static double repeat_speed(const struct repeat_figures *f)
{
	if (isfinite(f->speed_before) && isfinite(f->speed_after))
		return f->speed_before > f->speed_after ? f->speed_before : f->speed_after;
	return isfinite(f->speed_before) ? f->speed_before : f->speed_after;
}

void sweep_group_regimes(struct sweep *s)
{
	size_t total = 0;
	for (size_t i = 0; i < s->npoints; i++)
		total += s->points[i].done;
	double *before = malloc((total ? total : 1) * sizeof(double));
	double *after = malloc((total ? total : 1) * sizeof(double));
	int *id = malloc((total ? total : 1) * sizeof(int));
	struct repeat_figures **ref = malloc((total ? total : 1) * sizeof(*ref));
	bool *seen = calloc(s->npoints ? s->npoints : 1, sizeof(bool));

	if (!before || !after || !id || !ref || !seen)
		goto out;
	for (size_t i = 0; i < s->npoints; i++)
		for (size_t r = 0; r < s->points[i].done; r++)
			s->points[i].rep[r].regime = STATS_REGIME_NONE;
	/* One group per pair of probed CPUs: a regime is a placement of those
	 * two vCPUs. */
	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *pi = &s->points[i];
		size_t n = 0;
		if (seen[i] || pi->threads < 2)
			continue;
		for (size_t j = i; j < s->npoints; j++) {
			struct sweep_point *pj = &s->points[j];
			if (pj->threads < 2 || pj->cpus[0] != pi->cpus[0] || pj->cpus[1] != pi->cpus[1])
				continue;
			seen[j] = true;
			for (size_t r = 0; r < pj->done; r++) {
				before[n] = pj->rep[r].rtt_before;
				after[n] = pj->rep[r].rtt_after;
				ref[n++] = &pj->rep[r];
			}
		}
		stats_repeat_regimes(before, after, n, id, NULL);
		for (size_t k = 0; k < n; k++)
			ref[k]->regime = id[k];
	}
out:
	free(before);
	free(after);
	free(id);
	free(ref);
	free(seen);
}

size_t sweep_point_regimes(const struct sweep_point *p, struct sweep_regime *out, size_t max)
{
	size_t n = 0;
	double v[p->done ? p->done : 1], rtt[p->done ? p->done : 1];

	/* The sweep-wide ids are in order of round trip: walk them upwards. */
	for (int id = 0; n < max; id++) {
		size_t m = 0;
		bool any_above = false;
		for (size_t r = 0; r < p->done; r++) {
			if (p->rep[r].regime == id) {
				v[m] = p->rep[r].throughput;
				rtt[m++] = repeat_rtt(&p->rep[r]);
			}
			any_above |= p->rep[r].regime > id;
		}
		if (m > 0) {
			struct summary st, sr;
			stats_summarize(v, m, &st);
			stats_summarize(rtt, m, &sr);
			out[n++] = (struct sweep_regime){ .id = id, .rtt_ns = sr.median, .repeats = m,
							  .median = st.median, .low = st.min,
							  .high = st.max };
		}
		if (!any_above)
			break;
	}
	return n;
}

/* The widest gap between consecutive sorted finite values of v, in *width:
 * when it is over min_gap, *cut is its middle and the answer true. */
static bool widest_gap(const double *v, size_t n, double min_gap, double *cut, double *width)
{
	double w[n ? n : 1];
	size_t m = 0;
	double gap_width = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			w[m++] = v[i];
	for (size_t i = 1; i < m; i++)
		for (size_t j = i; j > 0 && w[j - 1] > w[j]; j--) {
			double t = w[j];
			w[j] = w[j - 1];
			w[j - 1] = t;
		}
	for (size_t i = 1; i < m; i++)
		if (w[i] - w[i - 1] > gap_width) {
			gap_width = w[i] - w[i - 1];
			*cut = (w[i] + w[i - 1]) / 2;
		}
	*width = gap_width;
	return gap_width > min_gap;
}

/* Do the repeats with state[] > cut and those at or below it have
 * throughput ranges that do not overlap (both groups non-empty)? */
static bool split_explains(const struct sweep_point *p, const double *state, double cut,
			   size_t *n_above)
{
	double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
	size_t n[2] = { 0, 0 };
	for (size_t r = 0; r < p->done; r++) {
		if (!isfinite(state[r]))
			continue;
		int g = state[r] > cut;
		double t = p->rep[r].throughput;
		lo[g] = t < lo[g] ? t : lo[g];
		hi[g] = t > hi[g] ? t : hi[g];
		n[g]++;
	}
	*n_above = n[1];
	return n[0] && n[1] && (hi[0] < lo[1] || hi[1] < lo[0]);
}

bool sweep_machine_changed(const struct sweep_point *p, char *note, size_t len)
{
	struct summary th;
	struct sweep_regime reg[8];
	double state[p->done ? p->done : 1], cut = 0, width = 0;
	size_t nreg, k;

	note[0] = '\0';
	state[0] = NAN;
	if (p->done < 2)
		return false;
	sweep_throughput_summary(p, &th);
	if (!(summary_has_spread(&th) && th.cv > 0.05))
		return false; /* no spread to explain */

	/* Placement: two regimes whose throughput ranges are apart. */
	nreg = sweep_point_regimes(p, reg, 8);
	for (size_t a = 0; a < nreg; a++)
		for (size_t b = a + 1; b < nreg; b++)
			if (reg[a].high < reg[b].low || reg[b].high < reg[a].low) {
				snprintf(note, len, "placement regimes %.0f / %.0f ns round trip "
					 "(%zu / %zu repeats)", reg[a].rtt_ns, reg[b].rtt_ns,
					 reg[a].repeats, reg[b].repeats);
				return true;
			}

	/* Speed: a gap of over 1.25x between the repeats' speed probes. */
	for (size_t r = 0; r < p->done; r++)
		state[r] = log(repeat_speed(&p->rep[r]));
	if (widest_gap(state, p->done, log(1.25), &cut, &width) &&
	    split_explains(p, state, cut, &k)) {
		snprintf(note, len, "CPU speed probe over 1.25x slower in %zu of %zu repeats", k,
			 p->done);
		return true;
	}

	/* Other load on the point's CPUs: a gap of over 0.15 between the
	 * repeats' shares (whatever the machine's usual load). */
	for (size_t r = 0; r < p->done; r++)
		state[r] = p->rep[r].foreign_share;
	if (widest_gap(state, p->done, 0.15, &cut, &width) && split_explains(p, state, cut, &k)) {
		snprintf(note, len, "other load on its CPUs %.0f points higher in %zu of %zu repeats",
			 100 * width, k, p->done);
		return true;
	}
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
			  double speed_after, double foreign, double bare)
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
		for (size_t k = 0; k < LOCK_STAT_COUNT; k++) {
			ls.n[k] += t->lock_stats.n[k];
			s->lock_stats.n[k] += t->lock_stats.n[k];
		}
		for (int e = 0; e < PERF_NEVENTS; e++) {
			if (t->perf[e] < 0)
				perf_ok[e] = false;
			else
				perf[e] += (double)t->perf[e];
		}
		s->cpu = t->cpu_planned;
		s->cpu_start = t->cpu_start;
		s->cpu_end = t->cpu_end;
		s->placement = t->placement;
		s->acquisitions += t->acquisitions;
		s->voluntary_csw += t->voluntary_csw;
		s->involuntary_csw += t->involuntary_csw;
		/* Weighted by the period: repeats sampled at different
		 * periods weigh by their acquisitions, not their samples. */
		hist_merge_weighted(&p->acquire_hist, &t->acquire_hist, t->sample_every);
		hist_merge_weighted(&p->hold_hist, &t->hold_hist, t->sample_every);
		p->timed_samples += hist_count(&t->acquire_hist);
		p->sample_every = t->sample_every;
	}
	f->round = round;
	p->shared_placement = r->shared_placement;
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
	for (size_t k = 0; k < LOCK_STAT_COUNT; k++)
		f->lock_stats_per_acq[k] = acq > 0 ? ls.n[k] / acq : NAN;
	for (int e = 0; e < PERF_NEVENTS; e++)
		f->perf_per_acq[e] = perf_ok[e] && acq > 0 ? perf[e] / acq : NAN;
	f->rtt_before = rtt_before;
	f->rtt_after = rtt_after;
	f->speed_before = speed_before;
	f->speed_after = speed_after;
	f->foreign_share = foreign;
	f->regime = STATS_REGIME_NONE;
	f->bare_ns = bare;
	sweep_record_measures(p, f, r);
	p->done++;
}

/* The speed probe on the point's CPUs: on each distinct one (up to 4), the
 * median of SWEEP_SPEED_SHOTS shots pinned there; the slowest CPU's. A shot
 * is ~20 us of fixed work, so a preempted shot is an outlier the median
 * drops. Unpinned points probe where the thread runs. */
#define SWEEP_SPEED_SHOTS 5
#define SWEEP_SPEED_CPUS 4

static double speed_median(void)
{
	double v[SWEEP_SPEED_SHOTS];
	struct summary s;
	size_t n = 0;
	for (int i = 0; i < SWEEP_SPEED_SHOTS; i++) {
		double x = speed_probe_ns();
		if (isfinite(x))
			v[n++] = x;
	}
	if (n == 0)
		return NAN;
	stats_summarize(v, n, &s);
	return s.median;
}

static double speed_on_cpus(const int *cpus, unsigned threads)
{
	cpu_set_t saved;
	int done[SWEEP_SPEED_CPUS];
	size_t ndone = 0;
	double worst = NAN;
	char err[128];

	if (cpus[0] < 0 || pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0)
		return speed_median();
	for (unsigned i = 0; i < threads && ndone < SWEEP_SPEED_CPUS; i++) {
		bool dup = false;
		for (size_t k = 0; k < ndone; k++)
			dup |= done[k] == cpus[i];
		if (dup || cpus[i] < 0)
			continue;
		done[ndone++] = cpus[i];
		if (topo_pin_self(cpus[i], err, sizeof(err)) != 0)
			continue;
		double x = speed_median();
		if (isfinite(x) && !(x <= worst))
			worst = x;
	}
	pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	return worst;
}

/* CPU time in clock ticks that the point's CPUs spent busy (not idle or
 * iowait) since boot, from /proc/stat; every CPU's when a thread is
 * unpinned. -1 when unreadable. *ncpus: how many CPUs that covers. */
static long long busy_ticks(const int *cpus, unsigned threads, unsigned *ncpus)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	long long sum = 0;
	bool all = false, found = false;

	*ncpus = 0;
	if (f == NULL)
		return -1;
	for (unsigned i = 0; i < threads; i++)
		all |= cpus[i] < 0;
	while (fgets(line, sizeof(line), f)) {
		int cpu;
		long long v[8] = { 0 };
		if (strncmp(line, "cpu", 3) != 0 || !(line[3] >= '0' && line[3] <= '9'))
			continue;
		if (sscanf(line, "cpu%d %lld %lld %lld %lld %lld %lld %lld %lld", &cpu, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 9)
			continue;
		bool mine = all;
		for (unsigned i = 0; i < threads && !mine; i++)
			mine = cpus[i] == cpu;
		if (!mine)
			continue;
		/* user nice system [idle iowait] irq softirq steal */
		sum += v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		(*ncpus)++;
		found = true;
	}
	fclose(f);
	return found ? sum : -1;
}

static double process_cpu_s(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return NAN;
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
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
	double ticks_per_s = (double)sysconf(_SC_CLK_TCK);
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
			double sp0 = speed_on_cpus(p->cpus, p->threads);
			double bare = p->threads == 1 ? run_bare_ns_per_op(&s->env, p->lock, p->permits, p->cpus[0]) : NAN;
			unsigned ncpus;
			long long busy0 = busy_ticks(p->cpus, p->threads, &ncpus);
			double cpu0 = process_cpu_s(), wall0 = wall_s();
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
			long long busy1 = busy_ticks(p->cpus, p->threads, &ncpus);
			double cpu1 = process_cpu_s(), wall1 = wall_s();
			double foreign = NAN;
			if (busy0 >= 0 && busy1 >= busy0 && ncpus > 0 && wall1 > wall0 &&
			    isfinite(cpu0) && isfinite(cpu1) && ticks_per_s > 0) {
				double other = (busy1 - busy0) / ticks_per_s - (cpu1 - cpu0);
				foreign = other / ((wall1 - wall0) * ncpus);
				/* tick granularity can push it just outside [0, 1] */
				foreign = foreign < 0 ? 0 : foreign > 1 ? 1 : foreign;
			}
			double rtt1 = p->threads > 1 ? probe_rtt_ns(p->cpus[0], p->cpus[1], &s->env.tsc) : NAN;
			double sp1 = speed_on_cpus(p->cpus, p->threads);
			if (s->mem_note[0] == '\0' && r.mem_note[0])
				snprintf(s->mem_note, sizeof(s->mem_note), "%s", r.mem_note);
			record_repeat(p, &r, round, rtt0, rtt1, sp0, sp1, foreign, bare);
			run_result_free(&r);
		}
		sweep_group_regimes(s);
		/* A checkpoint after every round: a killed sweep keeps them. */
		if (!*stop_request && round + 1 < c->repeats && progress) {
			pr.event = SWEEP_ROUND_END;
			pr.point = NULL;
			pr.message = NULL;
			progress(s, &pr, ctx);
		}
	}
	free(order);
	sweep_group_regimes(s);
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
	free(s->cfg.spec_json);
	s->cfg.spec_json = NULL;
	if (s->topo)
		topo_free(s->topo);
	s->points = NULL;
	s->topo = NULL;
}
