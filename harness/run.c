/* run.c - see run.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hotloop.h"
#include "run.h"
#include "stats.h"
#include "topo.h"

/* Before the window, every worker times one acquisition in this many;
 * at the window's start auto mode re-chooses from the warm-up rate. */
#define WARMUP_SAMPLE_MASK 1023u
/* Auto sampling keeps the time-stamp reads under this share of the time
 * per acquisition (three reads per timed acquisition). */
#define SAMPLE_OVERHEAD_TARGET 0.01
#define SAMPLE_MASK_MAX ((UINT64_C(1) << 20) - 1)

int run_env_init(struct run_env *env, char *err, size_t errlen)
{
	memset(env, 0, sizeof(*env));
	if (tsc_calibrate(&env->tsc) != 0) {
		snprintf(err, errlen, "cannot calibrate the time-stamp counter");
		return -1;
	}
	if (delay_calibrate(&env->delay, &env->tsc) != 0) {
		snprintf(err, errlen, "cannot calibrate the delay loop");
		return -1;
	}
	counters_probe(&env->counters);
	return 0;
}

/* The start gate: workers report ready and wait for go (or abort). A
 * mutex and condition variable rather than a barrier, so that the
 * controller can release threads already waiting when creating the next
 * one fails. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned ready;
	int state; /* 0 wait, 1 go, -1 abort */
};

struct shared_region {
	void *base;
	size_t size;
};

/* One worker's private state, allocated by the worker itself. */
struct worker_state {
	struct hot_thread hot;            /* first: the loop's hot fields */
	struct run_thread_result *out;
	const struct run_env *env;
	const struct run_point *pt;
	struct perf_thread perf;
	int64_t perf_start[PERF_NEVENTS];
	uint64_t vcsw_start, ivcsw_start;
	struct lock_stats stats_start;
	struct hot_counts counts_start;
	uint64_t warmup_start_tick;
	void **nodes;
	uint64_t *tables;                 /* cs then ncs exponential tables */
};

struct worker_arg {
	const struct run_env *env;
	const struct run_point *pt;
	struct gate *gate;
	void *const *locks;
	struct hot_cs_data *const *cs;
	const _Atomic int *phase;
	struct run_thread_result *out;
	unsigned index;
	void *block;       /* the worker's own allocation, freed after the join */
	size_t block_size;
	pthread_t tid;
	char err[160];
	int failed;
};

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static uint64_t pow2_mask_for(uint64_t every)
{
	uint64_t p = 1;
	while (p < every && p <= SAMPLE_MASK_MAX)
		p <<= 1;
	return p - 1;
}

static void snapshot_start(struct worker_state *w)
{
	perf_thread_read(&w->perf, w->perf_start);
	rusage_thread_csw(&w->vcsw_start, &w->ivcsw_start);
	w->stats_start = lock_thread_stats;
	w->counts_start = w->hot.now;
	hist_init(w->hot.acquire_hist);
	hist_init(w->hot.hold_hist);
}

static void on_phase(struct hot_thread *t, int phase)
{
	struct worker_state *w = (struct worker_state *)t;
	struct run_thread_result *o = w->out;

	if (phase == HOT_MEASURE) {
		if (w->pt->sample_every == 0) {
			/* Auto: from the warm-up rate, time few enough
			 * acquisitions that three time-stamp reads stay under
			 * SAMPLE_OVERHEAD_TARGET of the time per acquisition. */
			uint64_t n = t->now.acquisitions;
			uint64_t ticks = tsc_now() - w->warmup_start_tick;
			if (n >= 16 && ticks > 0) {
				double per_acq_ns = tsc_cycles_to_ns(&w->env->tsc, ticks) / n;
				double need = 3 * w->env->tsc.rdtsc_cost_ns /
					      (SAMPLE_OVERHEAD_TARGET * per_acq_ns);
				t->sample_mask = pow2_mask_for(need < 1 ? 1 : (uint64_t)ceil(need));
			}
		}
		snapshot_start(w);
		o->sample_every = t->sample_mask + 1;
		return;
	}
	/* HOT_STOP */
	int64_t perf_end[PERF_NEVENTS];
	uint64_t v, iv;
	perf_thread_read(&w->perf, perf_end);
	rusage_thread_csw(&v, &iv);
	o->cpu_end = topo_current_cpu();
	o->acquisitions = t->now.acquisitions - w->counts_start.acquisitions;
	o->same_holder = t->now.same_holder - w->counts_start.same_holder;
	o->timed = t->now.timed - w->counts_start.timed;
	o->voluntary_csw = v - w->vcsw_start;
	o->involuntary_csw = iv - w->ivcsw_start;
	o->lock_stats.futex_waits = lock_thread_stats.futex_waits - w->stats_start.futex_waits;
	o->lock_stats.futex_sleeps = lock_thread_stats.futex_sleeps - w->stats_start.futex_sleeps;
	o->lock_stats.futex_wakes = lock_thread_stats.futex_wakes - w->stats_start.futex_wakes;
	o->lock_stats.spins = lock_thread_stats.spins - w->stats_start.spins;
	o->lock_stats.spin_fails = lock_thread_stats.spin_fails - w->stats_start.spin_fails;
	for (int i = 0; i < PERF_NEVENTS; i++)
		o->perf[i] = perf_end[i] >= 0 && w->perf_start[i] >= 0
				     ? perf_end[i] - w->perf_start[i] : -1;
	o->acquire_hist = *t->acquire_hist;
	o->hold_hist = *t->hold_hist;
}

/* Quantiles of the exponential distribution with the given mean, in delay
 * loops: slot i holds the (i + 0.5) / HOT_EXP_TABLE quantile, shuffled by
 * the per-thread RNG at use. */
static void fill_exp_table(uint64_t *table, double mean_ns, const struct delay_calib *dc)
{
	for (int i = 0; i < HOT_EXP_TABLE; i++) {
		double q = (i + 0.5) / HOT_EXP_TABLE;
		table[i] = delay_ns_to_loops(dc, -mean_ns * log(1 - q));
	}
}

static void *worker_main(void *argp)
{
	struct worker_arg *a = argp;
	const struct run_point *pt = a->pt;
	const struct lock_desc *d = pt->lock;
	struct run_thread_result *o = a->out;
	struct worker_state *w = NULL;
	size_t node_bytes = (d->node_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	int cpu = pt->cpus[a->index];

	o->cpu_planned = cpu;
	if (cpu >= 0 && topo_pin_self(cpu, a->err, sizeof(a->err)) != 0)
		a->failed = 1;
	o->cpu_start = topo_current_cpu();

	/* Everything below is one allocation, first touched by this (pinned)
	 * thread: state, histograms, queue nodes, exponential tables. The
	 * controller frees it after joining every worker, because queue nodes
	 * can migrate to other threads (CLH) and must outlive this one. */
	size_t state_bytes = round_up(sizeof(struct worker_state), LOCK_PAD);
	size_t hist_bytes = round_up(2 * sizeof(struct hist), LOCK_PAD);
	size_t ptr_bytes = round_up(pt->nlocks * sizeof(void *), LOCK_PAD);
	size_t nodes_bytes = (d->props & LOCK_NEEDS_NODE) ? pt->nlocks * node_bytes : 0;
	size_t table_bytes = pt->exp_dist ? 2 * HOT_EXP_TABLE * sizeof(uint64_t) : 0;
	if (!a->failed) {
		a->block_size = state_bytes + hist_bytes + ptr_bytes + nodes_bytes + table_bytes;
		a->block = mem_alloc_local(a->block_size, LOCK_PAD);
		bool ok = a->block != NULL;
		char *p = a->block;
		w = ok ? (struct worker_state *)p : NULL;
		struct hist *hists = ok ? (struct hist *)(p + state_bytes) : NULL;
		void **nodes = ok ? (void **)(p + state_bytes + hist_bytes) : NULL;
		char *node_mem = p + state_bytes + hist_bytes + ptr_bytes;
		uint64_t *tables = ok && pt->exp_dist ? (uint64_t *)(node_mem + nodes_bytes) : NULL;
		for (unsigned i = 0; ok && i < pt->nlocks; i++) {
			nodes[i] = NULL;
			if (d->props & LOCK_NEEDS_NODE) {
				nodes[i] = node_mem + i * node_bytes;
				if (d->thread_init)
					d->thread_init(nodes[i]);
			}
		}
		if (!ok) {
			snprintf(a->err, sizeof(a->err),
				 "out of memory for thread %u's state", a->index);
			a->failed = 1;
		} else {
			w->nodes = nodes;
			w->tables = tables;
			w->out = o;
			w->env = a->env;
			w->pt = pt;
			struct hot_thread *t = &w->hot;
			t->locks = a->locks;
			t->nodes = nodes;
			t->cs = a->cs;
			t->nlocks = pt->nlocks;
			t->permits = pt->permits;
			t->extra_lines = pt->cs_lines - 1;
			t->id = a->index + 1;
			t->cs_loops = delay_ns_to_loops(&a->env->delay, pt->cs_ns);
			t->ncs_loops = delay_ns_to_loops(&a->env->delay, pt->ncs_ns);
			if (pt->exp_dist) {
				fill_exp_table(tables, pt->cs_ns, &a->env->delay);
				fill_exp_table(tables + HOT_EXP_TABLE, pt->ncs_ns, &a->env->delay);
				t->cs_table = pt->cs_ns > 0 ? tables : NULL;
				t->ncs_table = pt->ncs_ns > 0 ? tables + HOT_EXP_TABLE : NULL;
			}
			t->sample_mask = pt->sample_every > 0
				? pow2_mask_for((uint64_t)pt->sample_every)
				: pt->sample_every < 0 ? UINT64_MAX : WARMUP_SAMPLE_MASK;
			/* distinct, non-zero per thread and per seed */
			t->rng = (pt->seed + 1) * UINT64_C(0x9E3779B97F4A7C15) ^
				 ((uint64_t)(a->index + 1) << 32) ^ 0x5DEECE66DULL;
			if (t->rng == 0)
				t->rng = 1;
			t->phase = a->phase;
			t->acquire_hist = &hists[0];
			t->hold_hist = &hists[1];
			hist_init(t->acquire_hist);
			hist_init(t->hold_hist);
			t->on_phase = on_phase;
			perf_thread_open(&w->perf, &a->env->counters);
		}
	}

	pthread_mutex_lock(&a->gate->mu);
	a->gate->ready++;
	pthread_cond_broadcast(&a->gate->cv);
	while (a->gate->state == 0)
		pthread_cond_wait(&a->gate->cv, &a->gate->mu);
	int go = a->gate->state > 0;
	pthread_mutex_unlock(&a->gate->mu);

	if (go && !a->failed) {
		memset(&lock_thread_stats, 0, sizeof(lock_thread_stats));
		w->warmup_start_tick = tsc_now();
		d->hot_loop(&w->hot);
		o->total_acquisitions = w->hot.now.acquisitions;
		o->violations = w->hot.now.violations;
	}
	if (w && !a->failed)
		perf_thread_close(&w->perf);
	return NULL;
}

static void sleep_until_or_stop(double seconds, volatile sig_atomic_t *stop_request)
{
	struct timespec now, end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double whole = floor(seconds);
	end.tv_sec += (time_t)whole;
	end.tv_nsec += (long)((seconds - whole) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	/* Short naps, so that a stop request is seen within ~10 ms. */
	for (;;) {
		if (stop_request && *stop_request)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double left = (end.tv_sec - now.tv_sec) + (end.tv_nsec - now.tv_nsec) * 1e-9;
		if (left <= 0)
			return;
		struct timespec nap = { 0, (long)(fmin(left, 0.01) * 1e9) };
		nanosleep(&nap, NULL);
	}
}

int run_point_once(const struct run_env *env, const struct run_point *pt,
		   volatile sig_atomic_t *stop_request, struct run_result *res,
		   char *err, size_t errlen)
{
	const struct lock_desc *d = pt->lock;
	struct lock_params params = { .permits = pt->permits, .spin_budget = pt->spin_budget };
	size_t lock_bytes = round_up(d->lock_size, LOCK_PAD);
	size_t cs_bytes = round_up(sizeof(struct hot_cs_data) +
				   (pt->cs_lines - 1) * sizeof(struct hot_line), LOCK_PAD);
	size_t per_lock = lock_bytes + cs_bytes;
	size_t shared_bytes = per_lock * pt->nlocks + 2 * sizeof(void *) * pt->nlocks +
			      LOCK_PAD;
	struct mem_placement_info minfo;
	char *shared;
	void **locks;
	struct hot_cs_data **cs;
	_Atomic int *phase;
	struct worker_arg *args;
	struct gate gate;
	unsigned created = 0, inited = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->threads = pt->threads;
	if (pt->threads == 0 || pt->threads > HOT_MAX_THREADS) {
		snprintf(err, errlen, "%u threads: the harness supports 1-%u", pt->threads,
			 (unsigned)HOT_MAX_THREADS);
		return -1;
	}
	if (d->hot_loop == NULL) {
		snprintf(err, errlen, "lock '%s' has no measured loop", d->name);
		return -1;
	}
	shared = mem_alloc_shared(shared_bytes, pt->mem, pt->cpus[0], &minfo);
	if (shared == NULL) {
		snprintf(err, errlen, "cannot allocate %zu bytes of shared memory: %s",
			 shared_bytes, minfo.note[0] ? minfo.note : strerror(errno));
		return -1;
	}
	snprintf(res->mem_note, sizeof(res->mem_note), "%s", minfo.note);
	/* Layout: [phase line][lock 0][cs 0][lock 1][cs 1]...[pointer arrays] */
	phase = (_Atomic int *)shared;
	atomic_init(phase, HOT_WARMUP);
	locks = (void **)(shared + LOCK_PAD + per_lock * pt->nlocks);
	cs = (struct hot_cs_data **)(locks + pt->nlocks);
	for (unsigned i = 0; i < pt->nlocks; i++) {
		char *base = shared + LOCK_PAD + per_lock * i;
		locks[i] = base;
		cs[i] = (struct hot_cs_data *)(base + lock_bytes);
		memset(cs[i], 0, cs_bytes);
		cs[i]->word = HOT_ID_NONE;
		int e = d->init(locks[i], &params);
		if (e != 0) {
			snprintf(err, errlen, "%s: init failed: %s", d->name, strerror(e));
			goto out_locks;
		}
		inited++;
	}

	res->per_thread = calloc(pt->threads, sizeof(*res->per_thread));
	args = calloc(pt->threads, sizeof(*args));
	if (res->per_thread == NULL || args == NULL) {
		snprintf(err, errlen, "out of memory for %u threads' results", pt->threads);
		free(args);
		goto out_locks;
	}
	pthread_mutex_init(&gate.mu, NULL);
	pthread_cond_init(&gate.cv, NULL);
	gate.ready = 0;
	gate.state = 0;

	for (unsigned i = 0; i < pt->threads; i++) {
		struct worker_arg *a = &args[i];
		a->env = env;
		a->pt = pt;
		a->gate = &gate;
		a->locks = locks;
		a->cs = cs;
		a->phase = phase;
		a->out = &res->per_thread[i];
		a->index = i;
		int e = pthread_create(&a->tid, NULL, worker_main, a);
		if (e != 0) {
			snprintf(err, errlen, "cannot create thread %u of %u: %s%s", i + 1,
				 pt->threads, strerror(e),
				 e == EAGAIN ? " (thread limit or memory for stacks: see "
					       "ulimit -u, ulimit -v and "
					       "/proc/sys/kernel/threads-max)" : "");
			break;
		}
		created++;
	}

	pthread_mutex_lock(&gate.mu);
	while (gate.ready < created)
		pthread_cond_wait(&gate.cv, &gate.mu);
	bool setup_failed = created < pt->threads;
	for (unsigned i = 0; i < created && !setup_failed; i++) {
		if (args[i].failed) {
			snprintf(err, errlen, "thread %u: %s", i, args[i].err);
			setup_failed = true;
		}
	}
	if (!setup_failed && pt->warmup_s <= 0)
		atomic_store_explicit(phase, HOT_MEASURE, memory_order_relaxed);
	gate.state = setup_failed ? -1 : 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);

	if (!setup_failed) {
		uint64_t t_start, t_end;
		if (pt->warmup_s > 0) {
			sleep_until_or_stop(pt->warmup_s, stop_request);
			atomic_store_explicit(phase, HOT_MEASURE, memory_order_relaxed);
		}
		t_start = tsc_now();
		sleep_until_or_stop(pt->duration_s, stop_request);
		atomic_store_explicit(phase, HOT_STOP, memory_order_relaxed);
		t_end = tsc_now();
		res->interrupted = stop_request && *stop_request;
		res->window_ticks = t_end - t_start;
		res->window_ns = tsc_cycles_to_ns(&env->tsc, res->window_ticks);
	}
	for (unsigned i = 0; i < created; i++)
		pthread_join(args[i].tid, NULL);
	pthread_cond_destroy(&gate.cv);
	pthread_mutex_destroy(&gate.mu);

	if (!setup_failed) {
		double *acq = calloc(pt->threads, sizeof(double));
		uint64_t total = 0, counter = 0, same = 0, timed = 0;
		for (unsigned i = 0; i < pt->threads; i++) {
			struct run_thread_result *o = &res->per_thread[i];
			res->acquisitions += o->acquisitions;
			res->violations += o->violations;
			total += o->total_acquisitions;
			same += o->same_holder;
			timed += o->timed;
			if (o->cpu_start != o->cpu_end)
				res->migrations++;
			if (acq)
				acq[i] = (double)o->acquisitions;
		}
		/* The plain counter every critical section incremented must
		 * match: a lost update is an overlap the in-CS checks missed. */
		if (pt->permits == 1) {
			for (unsigned i = 0; i < pt->nlocks; i++)
				counter += hot_cs_entries(cs[i]);
			if (counter != total)
				res->violations += counter > total ? counter - total : total - counter;
		}
		res->throughput = res->window_ns > 0 ? res->acquisitions / (res->window_ns * 1e-9) : 0;
		if (acq && res->acquisitions > 0) {
			res->jain = stats_jain(acq, pt->threads);
			stats_shares(acq, pt->threads, &res->min_share, &res->max_share);
		} else {
			res->jain = res->min_share = res->max_share = NAN;
		}
		free(acq);
		res->same_holder_share = pt->permits == 1 && res->acquisitions > 0
			? (double)same / res->acquisitions : NAN;
		res->overhead_share = res->window_ns > 0
			? timed * 3 * env->tsc.rdtsc_cost_ns / (res->window_ns * pt->threads) : NAN;
		rc = 0;
	}
	/* Only now that every worker is gone: queue nodes may have moved
	 * between them. */
	for (unsigned i = 0; i < created; i++)
		if (args[i].block)
			mem_free_local(args[i].block, args[i].block_size);
	free(args);

out_locks:
	for (unsigned i = 0; i < inited; i++)
		d->destroy(locks[i]);
	mem_free_shared(shared, shared_bytes);
	if (rc != 0) {
		free(res->per_thread);
		res->per_thread = NULL;
	}
	return rc;
}

void run_result_free(struct run_result *res)
{
	free(res->per_thread);
	res->per_thread = NULL;
}

double run_bare_ns_per_op(const struct run_env *env, const struct lock_desc *d,
			  unsigned permits, int cpu)
{
	cpu_set_t saved;
	char err[128];
	bool pinned = false;
	struct lock_params params = { .permits = permits, .spin_budget = 0 };
	size_t lock_bytes = round_up(d->lock_size, LOCK_PAD);
	size_t node_bytes = round_up(d->node_size ? d->node_size : 1, LOCK_PAD);
	void *lock, *node = NULL;
	double best = NAN;

	if (d->bare_loop == NULL)
		return NAN;
	/* On the CPU the point's thread uses: vCPUs of a VM differ in speed. */
	if (cpu >= 0 && pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) == 0)
		pinned = topo_pin_self(cpu, err, sizeof(err)) == 0;
	lock = aligned_alloc(LOCK_PAD, lock_bytes);
	if (d->props & LOCK_NEEDS_NODE)
		node = aligned_alloc(LOCK_PAD, node_bytes);
	if (lock == NULL || ((d->props & LOCK_NEEDS_NODE) && node == NULL)) {
		free(lock);
		free(node);
		if (pinned)
			pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
		return NAN;
	}
	memset(lock, 0, lock_bytes);
	if (node) {
		memset(node, 0, node_bytes);
		if (d->thread_init)
			d->thread_init(node);
	}
	if (d->init(lock, &params) == 0) {
		/* Median of a few ~1 ms rounds: the machine is noisy. */
		double rounds[7];
		uint64_t n = 1 << 14;
		d->bare_loop(lock, node, n); /* warm caches and branch predictors */
		for (int r = 0; r < 7; r++) {
			uint64_t t0 = tsc_now();
			d->bare_loop(lock, node, n);
			rounds[r] = tsc_cycles_to_ns(&env->tsc, tsc_now() - t0) / n;
		}
		struct summary s;
		stats_summarize(rounds, 7, &s);
		best = s.median;
		d->destroy(lock);
	}
	free(node);
	free(lock);
	if (pinned)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	return best;
}
