/*
 * trust.c - what issue 27 asked of the measurement, case by case, through
 * the harness without the CLI:
 *   - a thread stalled for a known time in the middle of the window shows
 *     it in its longest wait, with sampling off as with sampling on (a lock
 *     wrapper sleeps before one acquisition of one thread);
 *   - repeats sampled at different periods merge by acquisitions, not by
 *     samples (two synthetic repeats of known distributions);
 *   - with --ncs 0 nothing times a non-critical section (its figure is
 *     NAN), and the reads the harness counts on the serial path are the
 *     reads the loop made;
 *   - the timer's own cost is measured and taken off.
 * Nothing here depends on speed: a sleep lasts at least what it asked for,
 * however loaded the machine.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/tap.h"
#include "hist.h"
#include "lock_define.h"
#include "run.h"
#include "section.h"
#include "topo.h"

#undef CHECK
#define CHECK(cond, ...) ((void)ok(cond, __VA_ARGS__))

/* The stall lock: a test-and-set lock whose lock() sleeps STALL_NS once,
 * before trying, in the thread that first reaches its STALL_AFTER-th call
 * while armed. */
#define STALL_NS 40000000L
#define STALL_AFTER 200
static _Atomic int stall_armed;
static _Thread_local unsigned stall_calls;

struct stall_lock {
	_Atomic uint32_t word;
};

static inline int stall_init(void *lk, const struct lock_params *p)
{
	(void)p;
	atomic_init(&((struct stall_lock *)lk)->word, 0);
	return 0;
}

static inline void stall_destroy(void *lk) { (void)lk; }

static inline bool stall_trylock(void *lk, void *node)
{
	(void)node;
	/* Acquire: pairs with the release in stall_unlock(). */
	return atomic_exchange_explicit(&((struct stall_lock *)lk)->word, 1,
					memory_order_acquire) == 0;
}

static inline void stall_lock(void *lk, void *node)
{
	if (++stall_calls == STALL_AFTER) {
		int one = 1;
		/* Relaxed: only who stalls; nothing is ordered by it. */
		if (atomic_compare_exchange_strong_explicit(&stall_armed, &one, 0,
							    memory_order_relaxed,
							    memory_order_relaxed)) {
			struct timespec ts = { 0, STALL_NS };
			while (nanosleep(&ts, &ts) != 0)
				;
		}
	}
	while (!stall_trylock(lk, node))
		lock_cpu_relax();
}

static inline void stall_unlock(void *lk, void *node)
{
	(void)node;
	/* Release: pairs with the acquire in stall_trylock(). */
	atomic_store_explicit(&((struct stall_lock *)lk)->word, 0, memory_order_release);
}

LOCK_DEFINE(stall, "stall", "tests only: tas that sleeps once before an acquisition",
	    "tests only", LOCK_FAMILY_SPIN, 0, sizeof(struct stall_lock), 0);

static struct run_env env;
static struct topo *topo;
static struct mem_policy mem = { MEM_LOCAL, 0 };

static int run(const struct lock_desc *d, unsigned threads, struct run_point pt,
	       struct run_result *res)
{
	int cpus[8];
	char err[256];

	if (topo_plan(topo, "compact", threads, true, cpus, err, sizeof(err)) != 0)
		bail_out("plan: %s", err);
	pt.lock = d;
	pt.threads = threads;
	pt.cpus = cpus;
	pt.permits = pt.nlocks = pt.cs_lines = 1;
	pt.mem = &mem;
	int rc = run_point_once(&env, &pt, NULL, res, err, sizeof(err));
	if (rc != 0)
		ok(0, "run %s x%u: %s", d->name, threads, err);
	return rc;
}

static void stall_case(long sample_every, const char *how)
{
	struct run_point pt = { 0 };
	struct run_result r;

	/* No warm-up: every acquisition is in the window, so the stall (at a
	 * thread's 200th acquisition, milliseconds in) falls inside it. */
	pt.cs_ns = 100;
	pt.warmup_s = 0;
	pt.duration_s = 0.5;
	pt.sample_every = sample_every;
	atomic_store(&stall_armed, 1);
	if (run(&lock_desc_stall, 2, pt, &r) != 0)
		return;
	double longest = 0;
	for (unsigned i = 0; i < r.threads; i++)
		if (r.per_thread[i].max_wait_ns > longest)
			longest = r.per_thread[i].max_wait_ns;
	/* less at most one section of 100 ns: what the thread asked for */
	CHECK(atomic_load(&stall_armed) == 0 && longest >= STALL_NS - 1e6 && longest <= r.window_ns,
	      "sampling %s: a %.0f ms stall mid-window is seen: longest wait %.3f ms "
	      "(threads: %.3f, %.3f ms; window %.0f ms)", how, STALL_NS / 1e6, longest / 1e6,
	      r.per_thread[0].max_wait_ns / 1e6, r.per_thread[1].max_wait_ns / 1e6,
	      r.window_ns / 1e6);
	run_result_free(&r);
}

/* Two repeats: A took one sample in 8 acquisitions, 500 samples of 20
 * ticks (4000 acquisitions); B one in 1, 1000 samples of 60 ticks (1000
 * acquisitions). By acquisitions, 80 % are 20: the median is 20. By
 * samples, two thirds are 60. (Values below 64 have buckets of their
 * own: exact.) */
static void weighted_case(void)
{
	struct hist *a = malloc(3 * sizeof(struct hist)), *b = a + 1, *m = a + 2;
	hist_init(a);
	hist_init(b);
	for (int i = 0; i < 500; i++)
		hist_record(a, 20);
	for (int i = 0; i < 1000; i++)
		hist_record(b, 60);
	hist_init(m);
	hist_merge_weighted(m, a, 8);
	hist_merge_weighted(m, b, 1);
	uint64_t p50 = hist_value_at_percentile(m, 50), p75 = hist_value_at_percentile(m, 75),
		 p90 = hist_value_at_percentile(m, 90);
	CHECK(p50 == 20 && p75 == 20 && p90 == 60 && hist_count(m) == 5000 &&
	      fabs(hist_mean(m) - (4000 * 20.0 + 1000 * 60.0) / 5000) < 1e-9,
	      "merged by period: p50 %llu, p75 %llu, p90 %llu (20, 20, 60), count %llu "
	      "(5000), mean %.1f (28)", (unsigned long long)p50, (unsigned long long)p75,
	      (unsigned long long)p90, (unsigned long long)hist_count(m), hist_mean(m));
	/* negative control: by samples the median is B's */
	hist_init(m);
	hist_merge(m, a);
	hist_merge(m, b);
	CHECK(hist_value_at_percentile(m, 50) == 60,
	      "negative control: merged by samples, p50 %llu (B's 60)",
	      (unsigned long long)hist_value_at_percentile(m, 50));
	free(a);
}

/* Reads made per timed acquisition, from what the loop recorded: t0 and
 * t1 (acquire), t2 (hold's end), td and tc (section), and the NCS's end
 * when an NCS was timed. */
static void reads_case(double ncs_ns)
{
	struct run_point pt = { 0 };
	struct run_result r;

	pt.cs_ns = 100;
	pt.ncs_ns = ncs_ns;
	pt.warmup_s = 0.01;
	pt.duration_s = 0.05;
	pt.sample_every = 16;
	if (run(lock_find("tas"), 1, pt, &r) != 0)
		return;
	const struct run_thread_result *t = &r.per_thread[0];
	unsigned made = 5 + (hist_count(&t->ncs_hist) > 0);
	double counted = r.serial_overhead_share * r.window_ns /
			 ((double)t->timed * env.tsc.rdtsc_cost_ns);
	bool ncs_ok = ncs_ns > 0 ? hist_count(&t->ncs_hist) > 0 && isfinite(r.ncs_ns_achieved)
				 : hist_count(&t->ncs_hist) == 0 && isnan(r.ncs_ns_achieved);
	CHECK(ncs_ok && t->timed > 0 && fabs(counted - made) < 1e-6,
	      "--ncs %g: %llu NCS samples, ncs_ns_achieved %g; reads counted %.3f per timed "
	      "acquisition, made %u", ncs_ns, (unsigned long long)hist_count(&t->ncs_hist),
	      r.ncs_ns_achieved, counted, made);
	/* The timer's cost, measured and taken off: a hold holds three reads,
	 * a wait one; each is a real, positive cost. */
	CHECK(t->floor.wait > 0 && t->floor.hold >= t->floor.wait &&
	      isfinite(r.timer_floor_ns[1]) && r.timer_floor_ns[1] > 0,
	      "--ncs %g: timer floors %llu / %llu ticks (wait / hold), %.1f ns hold", ncs_ns,
	      (unsigned long long)t->floor.wait, (unsigned long long)t->floor.hold,
	      r.timer_floor_ns[1]);
	run_result_free(&r);
}

/* A section's achieved length is a mean that leaves out the samples in
 * which the thread was descheduled. Those are judged against the samples'
 * own median, not against the asked length alone: when every section ran
 * 3x long (a slowed vCPU, a delay loop calibrated in a faster phase), the
 * figure must say 3x long, not "unmeasured". Seen once under a load of ~10:
 * run_measure.sh's 100 ns non-critical sections came out null. */
static void achieved_case(void)
{
	struct hist h;
	const double ns_per_tick = 1.0;

	hist_init(&h);
	for (int i = 0; i < 1000; i++)
		hist_record(&h, 300 + i % 7);
	double slow = section_achieved_ns(&h, ns_per_tick, false, 100);
	hist_record(&h, 2000000); /* one descheduled section */
	double with_outlier = section_achieved_ns(&h, ns_per_tick, false, 100);
	CHECK(fabs(slow - 303) < 303 * 0.02 && fabs(with_outlier - slow) < 1,
	      "sections all 3x the asked 100 ns: achieved %.1f ns (%.1f with a 2 ms outlier)",
	      slow, with_outlier);

	hist_init(&h);
	for (int i = 0; i < 1000; i++)
		hist_record(&h, 98 + i % 5);
	for (int i = 0; i < 10; i++)
		hist_record(&h, 50000);
	double asked = section_achieved_ns(&h, ns_per_tick, false, 100);
	CHECK(fabs(asked - 100) < 2,
	      "sections as asked, 1%% descheduled: achieved %.1f ns (outliers left out)", asked);

	hist_init(&h);
	CHECK(isnan(section_achieved_ns(&h, ns_per_tick, false, 100)),
	      "no sample: not measured (NaN)");
}

int main(void)
{
	char err[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (run_env_init(&env, err, sizeof(err)) != 0 ||
	    topo_load(&topo, NULL, err, sizeof(err)) != 0)
		bail_out("setup: %s", err);
	stall_case(-1, "off");
	stall_case(0, "auto");
	weighted_case();
	reads_case(0);
	reads_case(100);
	achieved_case();
	topo_free(topo);
	return done_testing();
}
