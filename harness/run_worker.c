/* run_worker.c - one worker thread of a repeat: its placement, its own
 * allocation (nodes, histograms, section tables), the start gate, the
 * measured loop and the snapshots at its phase changes (see run.h and
 * hotloop.h). The controller's side is run.c. */
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


static void on_phase(struct hot_thread *t, int phase)
{
	struct worker_state *w = (struct worker_state *)t;
	struct run_thread_result *o = w->out;

	if (phase == HOT_MEASURE) {
		if (w->pt->sample_every == 0) {
			/* Acquire (the loop read HOT_MEASURE relaxed): pairs
			 * with the controller's release store of it, after it
			 * wrote the period. A load rather than a fence, which
			 * ThreadSanitizer would not see. */
			(void)atomic_load_explicit(t->phase, memory_order_acquire);
			t->sample_mask = atomic_load_explicit(w->shared_mask,
							      memory_order_relaxed);
		}
		o->placement.cpu_window_start = placement_self_cpu();
		w->in_window = true;
		w->stats_start = lock_thread_stats;
		w->counts_start = t->now;
		hist_init(t->acquire_hist);
		hist_init(t->hold_hist);
		hist_init(t->cs_hist);
		hist_init(t->ncs_hist);
		memset(&t->sampled, 0, sizeof(t->sampled));
		t->gaps.first = t->gaps.prev = tsc_now();
		t->gaps.max = 0;
		t->gaps.left = t->gaps.stride;
		return;
	}
	/* HOT_STOP */
	o->cpu_end = topo_current_cpu();
	o->placement.cpu_stop = placement_self_cpu();
	o->sample_every = t->sample_mask == UINT64_MAX ? 0 : t->sample_mask + 1;
	if (!w->in_window) {
		/* No acquisition while the window ran: nothing of the warm-up
		 * stands in for it. */
		o->acquisitions = o->same_holder = o->timed = 0;
		memset(&o->lock_stats, 0, sizeof(o->lock_stats));
		memset(&o->sampled, 0, sizeof(o->sampled));
		hist_init(&o->acquire_hist);
		hist_init(&o->hold_hist);
		hist_init(&o->cs_hist);
		hist_init(&o->ncs_hist);
		return;
	}
	o->acquisitions = t->now.acquisitions - w->counts_start.acquisitions;
	o->same_holder = t->now.same_holder - w->counts_start.same_holder;
	o->timed = t->now.timed - w->counts_start.timed;
	for (size_t k = 0; k < LOCK_STAT_COUNT; k++)
		o->lock_stats.n[k] = lock_thread_stats.n[k] - w->stats_start.n[k];
	o->sampled = t->sampled;
	o->gap_first = t->gaps.first;
	o->gap_last = t->gaps.prev;
	o->gap_max_ticks = t->gaps.max;
	o->floor = t->floor;
	o->acquire_hist = *t->acquire_hist;
	o->hold_hist = *t->hold_hist;
	o->cs_hist = *t->cs_hist;
	o->ncs_hist = *t->ncs_hist;
}

void *run_worker_main(void *argp)
{
	struct worker_arg *a = argp;
	const struct run_point *pt = a->pt;
	const struct lock_desc *d = pt->lock;
	struct run_thread_result *o = a->out;
	struct worker_state *w = NULL;
	size_t node_bytes = (d->node_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	int cpu = pt->cpus[a->index];
	sigset_t async_signals;

	/* Signals are the controller's: a stop request interrupts its sleep,
	 * and no worker is stopped in the middle of a critical section to run
	 * a handler. The synchronous ones stay deliverable. */
	sigfillset(&async_signals);
	sigdelset(&async_signals, SIGSEGV);
	sigdelset(&async_signals, SIGBUS);
	sigdelset(&async_signals, SIGFPE);
	sigdelset(&async_signals, SIGILL);
	sigdelset(&async_signals, SIGABRT);
	sigdelset(&async_signals, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &async_signals, NULL);
	a->ktid = (pid_t)syscall(SYS_gettid);
	a->cpu_clock_ok = pthread_getcpuclockid(pthread_self(), &a->cpu_clock) == 0;

	o->cpu_planned = cpu;
	if (cpu >= 0 && topo_pin_self(cpu, a->err, sizeof(a->err)) != 0)
		a->failed = 1;
	o->cpu_start = topo_current_cpu();

	/* Everything below is one allocation, first touched by this (pinned)
	 * thread: state, histograms, queue nodes, exponential tables. The
	 * controller frees it after joining every worker, because queue nodes
	 * can migrate to other threads (CLH) and must outlive this one. */
	size_t state_bytes = run_round_up(sizeof(struct worker_state), LOCK_PAD);
	size_t hist_bytes = run_round_up(4 * sizeof(struct hist), LOCK_PAD);
	size_t ptr_bytes = run_round_up(pt->nlocks * sizeof(void *), LOCK_PAD);
	size_t nodes_bytes = (d->props & LOCK_NEEDS_NODE) ? pt->nlocks * node_bytes : 0;
	size_t table_bytes = pt->exp_dist ? 2 * HOT_EXP_TABLE * sizeof(uint64_t) : 0;
	if (!a->failed) {
		a->block_size = state_bytes + hist_bytes + ptr_bytes + nodes_bytes + table_bytes;
		a->block = mem_alloc_local(a->block_size, LOCK_PAD);
		bool ok = a->block != NULL;
		if (ok)
			o->placement.data_node = placement_page_node(a->block);
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
			/* The delay loop's speed, measured by this worker on
			 * its own CPU at the start of every repeat: a VM's
			 * vCPUs differ and change speed over seconds. */
			struct delay_calib dc = a->env->delay;
			delay_recalibrate(&dc, &a->env->tsc);
			const struct tsc_info *ti = &a->env->tsc;
			section_timer_floor(&t->floor);
			t->gaps.stride = t->gaps.left = 1;
			t->gaps.prev = t->gaps.first = t->gaps.max = 0;
			t->gaps.target = tsc_ns_to_cycles(ti, HOT_GAP_TARGET_NS);
			t->gaps.sections = tsc_ns_to_cycles(ti, pt->cs_ns + pt->ncs_ns);
			if (!pt->exp_dist) {
				section_fixed(pt->cs_ns, &dc, ti, t->floor.section, &t->cs_loops,
					      &t->cs_ticks, &o->cs_overlap_ns);
				section_fixed(pt->ncs_ns, &dc, ti, t->floor.ncs, &t->ncs_loops,
					      &t->ncs_ticks, &o->ncs_overlap_ns);
				/* added back to every timed section and hold */
				t->floor.cs_overlap = tsc_ns_to_cycles(ti, o->cs_overlap_ns);
				t->floor.ncs_overlap = tsc_ns_to_cycles(ti, o->ncs_overlap_ns);
			} else {
				section_exp_table(tables, pt->cs_ns, &dc, ti, t->floor.section);
				section_exp_table(tables + HOT_EXP_TABLE, pt->ncs_ns, &dc, ti,
						  t->floor.ncs);
				t->cs_table = pt->cs_ns > 0 ? tables : NULL;
				t->ncs_table = pt->ncs_ns > 0 ? tables + HOT_EXP_TABLE : NULL;
			}
			t->sample_mask = pt->sample_every > 0
				? run_pow2_mask_for((uint64_t)pt->sample_every)
				: pt->sample_every < 0 ? UINT64_MAX : WARMUP_SAMPLE_MASK;
			w->shared_mask = a->shared_mask;
			/* About to wait for its first acquisition: a worker
			 * that never gets it waited through a window with no
			 * warm-up too. */
			atomic_init(&w->progress, HOT_PROGRESS(0, HOT_WAITING));
			t->progress = &w->progress;
			a->progress = &w->progress;
			a->perf = &w->perf;
			/* distinct, non-zero per thread and per seed */
			t->rng = (pt->seed + 1) * UINT64_C(0x9E3779B97F4A7C15) ^
				 ((uint64_t)(a->index + 1) << 32) ^ 0x5DEECE66DULL;
			if (t->rng == 0)
				t->rng = 1;
			t->phase = a->phase;
			t->acquire_hist = &hists[0];
			t->hold_hist = &hists[1];
			t->cs_hist = &hists[2];
			t->ncs_hist = &hists[3];
			for (int h = 0; h < 4; h++)
				hist_init(&hists[h]);
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
		d->hot_loop(&w->hot);
		/* Acquire (the loop saw HOT_STOP, relaxed): pairs with the
		 * controller's release store of it, which follows its last
		 * read of this worker's perf events: they may be closed now.
		 * A load rather than a fence: ThreadSanitizer sees loads. */
		(void)atomic_load_explicit(a->phase, memory_order_acquire);
		o->total_acquisitions = w->hot.now.acquisitions;
		o->violations = w->hot.now.violations;
	}
	if (w && !a->failed)
		perf_thread_close(&w->perf);
	return NULL;
}
