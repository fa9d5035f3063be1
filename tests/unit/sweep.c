/*
 * sweep.c - the sweep engine without the CLI (harness/sweep.h): a
 * small sweep driven through sweep_build_points() and sweep_run_rounds()
 * (rounds, progress, regimes assigned), and the machine-changed flag and
 * regime grouping on points whose repeats are made up here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "sweep.h"
#include "../lib/unit.h"

static size_t starts, round_ends;

static void count_progress(const struct sweep *s, const struct sweep_progress *pr, void *ctx)
{
	(void)s;
	(void)ctx;
	if (pr->event == SWEEP_REPEAT_START)
		starts++;
	else if (pr->event == SWEEP_ROUND_END)
		round_ends++;
}

static void check_engine(void)
{
	struct sweep s;
	char err[512];
	volatile sig_atomic_t stop = 0;
	const struct lock_desc *locks[1] = { lock_find("tas") };
	unsigned threads[2] = { 1, 2 };
	double cs[1] = { 100 }, ncs[1] = { 0 };

	memset(&s, 0, sizeof(s));
	s.cfg.locks = malloc(sizeof(locks));
	memcpy(s.cfg.locks, locks, sizeof(locks));
	s.cfg.nlocks_list = 1;
	s.cfg.threads = malloc(sizeof(threads));
	memcpy(s.cfg.threads, threads, sizeof(threads));
	s.cfg.nthreads = 2;
	s.cfg.cs_ns = malloc(sizeof(cs));
	memcpy(s.cfg.cs_ns, cs, sizeof(cs));
	s.cfg.ncs_ns = malloc(sizeof(ncs));
	memcpy(s.cfg.ncs_ns, ncs, sizeof(ncs));
	s.cfg.ncs = s.cfg.nncs = 1;
	s.cfg.duration_s = 0.01;
	s.cfg.warmup_s = 0.002;
	s.cfg.repeats = 3;
	s.cfg.permits = s.cfg.cs_lines = s.cfg.nlocks = 1;
	s.cfg.oversubscribe = true;
	s.cfg.seed = 1;
	snprintf(s.cfg.pin, sizeof(s.cfg.pin), "compact");
	if (topo_load(&s.topo, NULL, err, sizeof(err)) != 0 ||
	    run_env_init(&s.env, err, sizeof(err)) != 0 ||
	    sweep_build_points(&s, err, sizeof(err)) != 0) {
		CHECK(0, "setting up a sweep: %s", err);
		return;
	}
	CHECK(s.npoints == 2, "2 points, got %zu", s.npoints);
	bool ran = sweep_run_rounds(&s, &stop, count_progress, NULL);
	CHECK(ran, "every repeat ran");
	CHECK(starts == 6 && round_ends == 2, "progress: %zu starts, %zu round ends", starts,
	      round_ends);
	for (size_t i = 0; i < s.npoints; i++) {
		const struct sweep_point *p = &s.points[i];
		CHECK(p->done == 3, "point %zu: %zu repeats", i, p->done);
		/* A window counts only acquisitions made while it ran: on this
		 * shared 2-CPU machine a 10 ms window can pass with the threads
		 * off their CPUs (0, honestly). Some repeat must have run. */
		double best = 0;
		for (size_t r = 0; r < p->done; r++)
			best = fmax(best, p->rep[r].throughput);
		CHECK(best > 0, "point %zu: best repeat's throughput %g", i, best);
		for (size_t r = 0; r < p->done; r++) {
			CHECK(p->rep[r].round == r, "repeat %zu in round %u", r, p->rep[r].round);
			CHECK(p->rep[r].throughput >= 0 && p->rep[r].window_ns > 0,
			      "throughput %g in a %g ns window", p->rep[r].throughput,
			      p->rep[r].window_ns);
			/* one thread: no round trip, no regime */
			if (p->threads == 1)
				CHECK(p->rep[r].regime == STATS_REGIME_NONE, "1 thread, regime %d",
				      p->rep[r].regime);
			CHECK(isnan(p->rep[r].foreign_share) ||
			      (p->rep[r].foreign_share >= 0 && p->rep[r].foreign_share <= 1),
			      "foreign share %g in [0, 1]", p->rep[r].foreign_share);
			CHECK(isfinite(p->rep[r].speed_before) && p->rep[r].speed_before > 0,
			      "speed probe %g", p->rep[r].speed_before);
		}
	}
	sweep_free(&s);
	case_done("engine: 2 points x 3 rounds without the CLI");
}

static int near_rtt(double a, double b)
{
	return fabs(a - b) <= 2;
}

/* A made-up point: throughput, probes and other load per repeat. */
static struct sweep_point made_up(size_t n, const double *tput, const double *rtt,
				  const double *speed, const double *foreign)
{
	struct sweep_point p;
	memset(&p, 0, sizeof(p));
	p.threads = rtt ? 2 : 1;
	p.rep = calloc(n, sizeof(*p.rep));
	for (size_t i = 0; i < n; i++) {
		struct repeat_figures *f = &p.rep[i];
		f->round = (unsigned)i;
		f->throughput = tput[i];
		f->rtt_before = f->rtt_after = rtt ? rtt[i] : NAN;
		f->speed_before = speed[i];
		/* the old flag fired on a probe moving > 25% across a repeat:
		 * make every repeat's speed probe move 30% */
		f->speed_after = speed[i] * 1.3;
		f->foreign_share = foreign[i];
		f->regime = STATS_REGIME_NONE;
	}
	p.done = n;
	return p;
}

static void check_flag(void)
{
	const double quiet_sp[6] = { 1000, 1010, 990, 1005, 1000, 995 };
	const double none[6] = { 0, 0.02, 0, 0.05, 0, 0 };
	char why[160];

	/* Tight throughput, probes that move within each repeat: nothing to
	 * explain, no flag (the old probe_moved fired here). */
	const double tight[6] = { 10e6, 10.1e6, 9.9e6, 10.05e6, 9.95e6, 10e6 };
	struct sweep_point p = made_up(6, tight, NULL, quiet_sp, none);
	CHECK(!sweep_machine_changed(&p, why, sizeof(why)), "tight point flagged: %s", why);
	free(p.rep);

	/* Spread that no state explains: no flag either. */
	const double spread[6] = { 10e6, 7e6, 9e6, 6e6, 8e6, 10.5e6 };
	p = made_up(6, spread, NULL, quiet_sp, none);
	CHECK(!sweep_machine_changed(&p, why, sizeof(why)), "unexplained spread flagged: %s", why);
	free(p.rep);

	/* A CPU hog on its CPU in repeats 2 and 4: those are the slow ones. */
	const double hog[6] = { 0, 0, 0.45, 0, 0.5, 0 };
	const double hit[6] = { 10e6, 10.1e6, 5.5e6, 9.9e6, 5.2e6, 10e6 };
	p = made_up(6, hit, NULL, quiet_sp, hog);
	CHECK(sweep_machine_changed(&p, why, sizeof(why)) && strstr(why, "other load"),
	      "hog not flagged: '%s'", why);
	free(p.rep);

	/* The same hog on a machine that other processes already load ~75%:
	 * the gap, not a fixed level, tells the hog's repeats apart. */
	const double busy_hog[6] = { 0.74, 0.78, 0.97, 0.72, 0.95, 0.76 };
	p = made_up(6, hit, NULL, quiet_sp, busy_hog);
	CHECK(sweep_machine_changed(&p, why, sizeof(why)) && strstr(why, "other load"),
	      "hog on a busy machine not flagged: '%s'", why);
	free(p.rep);
	/* A busy machine whose load did not track the throughput: no flag. */
	const double busy[6] = { 0.74, 0.95, 0.72, 0.97, 0.78, 0.76 };
	p = made_up(6, hit, NULL, quiet_sp, busy);
	CHECK(!sweep_machine_changed(&p, why, sizeof(why)), "load unrelated to the spread flagged: '%s'", why);
	free(p.rep);

	/* The CPUs ran 1.6x slower in two repeats, the slow ones. */
	const double slow_sp[6] = { 1000, 1600, 1000, 1650, 1010, 990 };
	const double slowed[6] = { 10e6, 6.2e6, 10.1e6, 6e6, 9.9e6, 10e6 };
	p = made_up(6, slowed, NULL, slow_sp, none);
	CHECK(sweep_machine_changed(&p, why, sizeof(why)) && strstr(why, "speed"),
	      "slow CPU not flagged: '%s'", why);
	free(p.rep);

	/* Two placement regimes, 3-4x throughput apart: flagged, and the point
	 * reports each regime's median. */
	const double rtt[6] = { 320, 63, 330, 62, 318, 64 };
	const double regimed[6] = { 4e6, 13e6, 4.1e6, 12.8e6, 3.9e6, 13.1e6 };
	struct sweep s;
	memset(&s, 0, sizeof(s));
	p = made_up(6, regimed, rtt, quiet_sp, none);
	p.rep[0].rtt_after = 71213; /* a preempted probe: neither a regime nor its round trip */
	int cpus[2] = { 0, 1 };
	p.cpus = cpus;
	s.points = &p;
	s.npoints = 1;
	sweep_group_regimes(&s);
	struct sweep_regime reg[4];
	size_t n = sweep_point_regimes(&p, reg, 4);
	CHECK(n == 2, "2 regimes, got %zu", n);
	if (n == 2) {
		CHECK(reg[0].repeats == 3 && reg[0].median == 13e6 && near_rtt(reg[0].rtt_ns, 63),
		      "fast regime: %zu repeats, median %g, rtt %g", reg[0].repeats,
		      reg[0].median, reg[0].rtt_ns);
		CHECK(reg[1].repeats == 3 && reg[1].median == 4e6 && near_rtt(reg[1].rtt_ns, 320),
		      "slow regime: %zu repeats, median %g, rtt %g", reg[1].repeats,
		      reg[1].median, reg[1].rtt_ns);
	}
	CHECK(sweep_machine_changed(&p, why, sizeof(why)) && strstr(why, "regime"),
	      "regimes not flagged: '%s'", why);
	free(p.rep);
	case_done("machine changed: only when a state splits the throughput; regimes");
}

int main(void)
{
	check_flag();
	check_engine();
	return done_testing();
}
