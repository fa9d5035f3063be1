/* run.c - one repeat of a point, the controller's side: threads started
 * and gated, the phases, the window's operating-system counters, and the
 * per-thread results summed (see run.h); the workers are in run_worker.c. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "run_internal.h"
#include "section.h"
#include "stats.h"
#include "topo.h"

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

/* The controller's read of one worker's counters. Reading a perf event
 * from another thread is allowed (the kernel fetches the count from the
 * CPU the task runs on), and so is another thread's CPU-time clock. */
static void os_snapshot(const struct worker_arg *a, struct os_snap *s)
{
	struct timespec ts;
	task_csw_read(a->ktid, &s->vcsw, &s->ivcsw);
	perf_thread_read(a->perf, &s->perf);
	s->cpu_ns = a->cpu_clock_ok && clock_gettime(a->cpu_clock, &ts) == 0
		? ts.tv_sec * 1e9 + ts.tv_nsec : NAN;
}

/* Window figures from the controller's two reads. */
static void os_window(const struct os_snap *a, const struct os_snap *b,
		      struct run_thread_result *o)
{
	o->csw_unavailable = a->vcsw < 0 || b->vcsw < 0 || b->vcsw < a->vcsw ||
			     b->ivcsw < a->ivcsw;
	o->voluntary_csw = o->csw_unavailable ? 0 : (uint64_t)(b->vcsw - a->vcsw);
	o->involuntary_csw = o->csw_unavailable ? 0 : (uint64_t)(b->ivcsw - a->ivcsw);
	for (int i = 0; i < PERF_NEVENTS; i++)
		o->perf[i] = perf_window_count(&a->perf, &b->perf, i);
	o->cpu_ns = b->cpu_ns - a->cpu_ns;
}

/* Sleep until `until` (CLOCK_MONOTONIC) in one absolute sleep, so that the
 * controller does not wake and take a CPU from a worker while the window
 * runs; a stop request arrives as a signal (workers block them), which
 * interrupts the sleep. */
static void sleep_until_or_stop(const struct timespec *until, volatile sig_atomic_t *stop_request)
{
	while (!(stop_request && *stop_request)) {
		int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, until, NULL);
		if (e != EINTR)
			return;
	}
}

static struct timespec monotonic_after(double seconds)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double whole = floor(seconds);
	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((seconds - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Time-stamp reads per timed acquisition made on the lock's serial path:
 * with one thread, every read; with several, the three inside the critical
 * section (the others overlap a wait or another thread's section). */
static unsigned serial_reads(const struct run_point *pt)
{
	return pt->threads == 1 ? (pt->ncs_ns > 0 ? 6 : 5) : 3;
}

/* Auto sampling: one period for all workers, from the acquisitions of the
 * whole system during the warm-up, so that the reads on the serial path
 * cost at most SAMPLE_OVERHEAD_TARGET of the time per acquisition. */
static uint64_t auto_sample_mask(const struct run_env *env, const struct run_point *pt,
				 uint64_t acquisitions, uint64_t ticks)
{
	double per_acq_ns = tsc_cycles_to_ns(&env->tsc, ticks) /
			    (double)(acquisitions ? acquisitions : 1);
	double need = serial_reads(pt) * env->tsc.rdtsc_cost_ns /
		      (SAMPLE_OVERHEAD_TARGET * per_acq_ns);
	return run_pow2_mask_for(need < 1 ? 1 : (uint64_t)ceil(need));
}

/* The longest time thread o went without an acquisition in the window
 * [t_start, t_end] (see run.h). */
static double longest_without_ns(const struct run_env *env, const struct run_point *pt,
				 const struct run_thread_result *o, uint64_t t_start,
				 uint64_t t_end, double window_ns)
{
	/* each edge's interval holds at most one acquisition's sections */
	double sections = pt->cs_ns + pt->ncs_ns;
	if (o->acquisitions == 0)
		return fmax(0, window_ns - sections);
	uint64_t busy = tsc_ns_to_cycles(&env->tsc, sections);
	uint64_t lead = o->gap_first > t_start + busy ? o->gap_first - t_start - busy : 0;
	uint64_t tail = t_end > o->gap_last + busy ? t_end - o->gap_last - busy : 0;
	uint64_t m = o->gap_max_ticks;
	m = lead > m ? lead : m;
	m = tail > m ? tail : m;
	return fmin(tsc_cycles_to_ns(&env->tsc, m), window_ns);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median over the workers of one of their timer floors, in ns. */
static double floor_median_ns(const struct run_env *env, const struct run_result *res,
			      size_t which)
{
	double v[res->threads ? res->threads : 1];
	for (unsigned i = 0; i < res->threads; i++) {
		const struct hot_timer_floor *f = &res->per_thread[i].floor;
		uint64_t t = which == 0 ? f->wait : which == 1 ? f->hold : f->section;
		v[i] = which == 3 ? res->per_thread[i].cs_overlap_ns : tsc_cycles_to_ns(&env->tsc, t);
	}
	if (res->threads == 0)
		return NAN;
	qsort(v, res->threads, sizeof(double), cmp_double);
	return v[res->threads / 2];
}

static uint64_t progress_acquisitions(uint64_t progress)
{
	return progress >> 2;
}

int run_point_once(const struct run_env *env, const struct run_point *pt,
		   volatile sig_atomic_t *stop_request, struct run_result *res,
		   char *err, size_t errlen)
{
	const struct lock_desc *d = pt->lock;
	struct lock_params params = { .permits = pt->permits, .spin_budget = pt->spin_budget };
	size_t lock_bytes = run_round_up(d->lock_size, LOCK_PAD);
	size_t cs_bytes = run_round_up(sizeof(struct hot_cs_data) +
				   (pt->cs_lines - 1) * sizeof(struct hot_line), LOCK_PAD);
	size_t per_lock = lock_bytes + cs_bytes;
	size_t shared_bytes = per_lock * pt->nlocks + 2 * sizeof(void *) * pt->nlocks +
			      LOCK_PAD;
	struct mem_placement_info minfo;
	char *shared;
	void **locks;
	struct hot_cs_data **cs;
	_Atomic int *phase;
	_Atomic uint64_t *shared_mask;
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
	/* Layout: [phase line: phase, sampling mask][lock 0][cs 0][lock 1][cs 1]...[pointer arrays] */
	phase = (_Atomic int *)shared;
	atomic_init(phase, HOT_WARMUP);
	/* Same line: written only before the window, read by each worker once. */
	shared_mask = (_Atomic uint64_t *)(shared + sizeof(uint64_t));
	atomic_init(shared_mask, WARMUP_SAMPLE_MASK);
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

	placement_query_shared(locks[0], minfo.node, &res->shared_placement);
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
		a->shared_mask = shared_mask;
		a->out = &res->per_thread[i];
		a->index = i;
		placement_thread_init(&a->out->placement, pt->cpus[i]);
		int e = pthread_create(&a->tid, NULL, run_worker_main, a);
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
	/* The period auto sampling starts from; without a warm-up, the one
	 * it keeps. */
	atomic_store_explicit(shared_mask, WARMUP_SAMPLE_MASK, memory_order_relaxed);
	res->sample_every = pt->sample_every < 0 ? 0
		: pt->sample_every > 0 ? run_pow2_mask_for((uint64_t)pt->sample_every) + 1
		: WARMUP_SAMPLE_MASK + 1;
	res->sampling = pt->sample_every < 0 ? "off"
		: pt->sample_every > 0 ? "fixed"
		: pt->warmup_s > 0 ? "auto: one period for all threads from the warm-up's combined rate"
		: "auto without a warm-up: the default period";
	uint64_t t_start = 0, t_end = 0;
	if (!setup_failed && pt->warmup_s <= 0) {
		/* The window starts when the gate opens: its start is read
		 * before, never after the workers are off. */
		for (unsigned i = 0; i < created; i++) {
			os_snapshot(&args[i], &args[i].os_start);
			args[i].progress_start = HOT_PROGRESS(0, HOT_WAITING);
		}
		t_start = tsc_now();
		atomic_store_explicit(phase, HOT_MEASURE, memory_order_release);
	}
	gate.state = setup_failed ? -1 : 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);

	if (!setup_failed) {
		if (pt->warmup_s > 0) {
			uint64_t t_gate = tsc_now();
			struct timespec until = monotonic_after(pt->warmup_s);
			sleep_until_or_stop(&until, stop_request);
			if (pt->sample_every == 0) {
				uint64_t n = 0;
				for (unsigned i = 0; i < created; i++)
					n += progress_acquisitions(atomic_load_explicit(
						args[i].progress, memory_order_relaxed));
				uint64_t mask = auto_sample_mask(env, pt, n, tsc_now() - t_gate);
				atomic_store_explicit(shared_mask, mask, memory_order_relaxed);
				res->sample_every = mask + 1;
			}
			for (unsigned i = 0; i < created; i++)
				os_snapshot(&args[i], &args[i].os_start);
			t_start = tsc_now();
			/* Release: pairs with the acquire fence in on_phase(),
			 * which then reads the period. */
			atomic_store_explicit(phase, HOT_MEASURE, memory_order_release);
			/* Relaxed: who was waiting when the window began. */
			for (unsigned i = 0; i < created; i++)
				args[i].progress_start = atomic_load_explicit(args[i].progress,
									      memory_order_relaxed);
		}
		struct timespec until = monotonic_after(pt->duration_s);
		sleep_until_or_stop(&until, stop_request);
		/* The counters are read while every worker still runs: one
		 * that saw STOP may be gone, with its /proc entry, its perf
		 * events and its CPU clock. */
		for (unsigned i = 0; i < created; i++) {
			uint64_t p = atomic_load_explicit(args[i].progress, memory_order_relaxed);
			struct os_snap end;
			res->per_thread[i].placement.cpu_window_mid = placement_task_cpu(args[i].ktid);
			os_snapshot(&args[i], &end);
			os_window(&args[i].os_start, &end, &res->per_thread[i]);
			/* Waiting for the same acquisition at both edges: the
			 * wait covers the window (and is censored by it). */
			res->per_thread[i].waited_through =
				(p & 3) == HOT_WAITING && p == args[i].progress_start;
		}
		t_end = tsc_now();
		/* Release: pairs with the acquire fence a worker passes after
		 * its loop, before it closes what the reads above used. */
		atomic_store_explicit(phase, HOT_STOP, memory_order_release);
		res->interrupted = stop_request && *stop_request;
		res->window_ticks = t_end > t_start ? t_end - t_start : 0;
		res->window_ns = tsc_cycles_to_ns(&env->tsc, res->window_ticks);
	}
	for (unsigned i = 0; i < created; i++)
		pthread_join(args[i].tid, NULL);
	pthread_cond_destroy(&gate.cv);
	pthread_mutex_destroy(&gate.mu);

	if (!setup_failed) {
		double *acq = calloc(pt->threads, sizeof(double));
		uint64_t total = 0, counter = 0, same = 0, timed = 0;
		bool cpu_ok = true;
		struct hist *cs_all = malloc(2 * sizeof(struct hist)), *ncs_all = cs_all + 1;
		if (cs_all) {
			hist_init(cs_all);
			hist_init(ncs_all);
		}
		for (unsigned i = 0; i < pt->threads; i++) {
			struct run_thread_result *o = &res->per_thread[i];
			res->acquisitions += o->acquisitions;
			res->violations += o->violations;
			total += o->total_acquisitions;
			same += o->same_holder;
			timed += o->timed;
			if (cs_all) {
				hist_merge(cs_all, &o->cs_hist);
				hist_merge(ncs_all, &o->ncs_hist);
			}
			res->tsc_backwards += o->sampled.tsc_backwards;
			res->starved_threads += o->acquisitions == 0;
			if (isfinite(o->cpu_ns))
				res->cpu_ns += o->cpu_ns;
			else
				cpu_ok = false;
			/* Every stall, whatever the sampling: the gaps
			 * between acquisitions beside the timed waits. */
			double timed_wait = o->timed
				? tsc_cycles_to_ns(&env->tsc, o->sampled.max_wait_ticks) : NAN;
			o->max_wait_ns = longest_without_ns(env, pt, o, t_start, t_end, res->window_ns);
			if (timed_wait > o->max_wait_ns)
				o->max_wait_ns = timed_wait;
			if (o->waited_through &&
			    !(o->max_wait_ns >= res->window_ns))
				o->max_wait_ns = res->window_ns;
			if (o->cpu_start != o->cpu_end)
				res->migrations++;
			if (acq)
				acq[i] = (double)o->acquisitions;
		}
		if (!cpu_ok)
			res->cpu_ns = NAN;
		res->cs_ns_achieved = section_achieved_ns(cs_all, tsc_cycles_to_ns(&env->tsc, 1), pt->exp_dist, pt->cs_ns);
		res->ncs_ns_achieved = section_achieved_ns(ncs_all, tsc_cycles_to_ns(&env->tsc, 1), pt->exp_dist, pt->ncs_ns);
		for (size_t k = 0; k < 3; k++)
			res->timer_floor_ns[k] = floor_median_ns(env, res, k);
		res->section_overlap_ns = floor_median_ns(env, res, 3);
		free(cs_all);
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
		/* t0, t1, td, tc, t2, and the NCS's end when there is one */
		unsigned reads = 5 + (pt->ncs_ns > 0);
		res->overhead_share = res->window_ns > 0
			? timed * reads * env->tsc.rdtsc_cost_ns / (res->window_ns * pt->threads) : NAN;
		res->serial_overhead_share = res->window_ns > 0 && pt->sample_every >= 0
			? timed * serial_reads(pt) * env->tsc.rdtsc_cost_ns / res->window_ns : NAN;
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
	size_t lock_bytes = run_round_up(d->lock_size, LOCK_PAD);
	size_t node_bytes = run_round_up(d->node_size ? d->node_size : 1, LOCK_PAD);
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
