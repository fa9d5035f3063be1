/*
 * sweep_measures.c - what a point says about its own measurement: the
 * sections it achieved against those asked, CPU time beside wall time,
 * threads starved in a window, and the sampling every thread used.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "stats.h"
#include "sweep.h"
#include "sweep_internal.h"

/* Here rather than in sweep.c, which calls sweep_record_measures(): the
 * measures need the medians, and the two files must not call each other. */
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

/* Achieved more than this share away from asked: the point is flagged. */
#define CS_OFF_TARGET 0.05

void sweep_record_measures(struct sweep_point *p, struct repeat_figures *f,
			   const struct run_result *r)
{
	struct repeat_measures *m = &f->m;
	double acq = (double)r->acquisitions;
	bool csw_ok = true;

	m->cs_ns_achieved = r->cs_ns_achieved;
	m->ncs_ns_achieved = r->ncs_ns_achieved;
	m->cpu_ns_per_acq = acq > 0 && isfinite(r->cpu_ns) ? r->cpu_ns / acq : NAN;
	m->serial_overhead_share = r->serial_overhead_share;
	m->starved_threads = r->starved_threads;
	m->sample_every = r->sample_every;
	m->sample_every_d = (double)r->sample_every;
	m->tsc_backwards = r->tsc_backwards;
	m->sampling = r->sampling;
	m->timer_wait_ns = r->timer_floor_ns[0];
	m->timer_hold_ns = r->timer_floor_ns[1];
	m->timer_section_ns = r->timer_floor_ns[2];
	m->section_overlap_ns = r->section_overlap_ns;
	for (unsigned i = 0; i < r->threads; i++) {
		const struct run_thread_result *t = &r->per_thread[i];
		struct thread_sums *s = &p->per_thread[i];
		/* the first repeat starts them (calloc'ed sums hold 0) */
		if (f == &p->rep[0]) {
			s->cpu_ns = 0;
			s->max_wait_ns = NAN;
		}
		if (t->csw_unavailable) {
			csw_ok = false;
			s->csw_unavailable = true;
		}
		if (isfinite(t->max_wait_ns) && !(s->max_wait_ns >= t->max_wait_ns))
			s->max_wait_ns = t->max_wait_ns;
		s->cpu_ns += t->cpu_ns;
	}
	/* An unreadable count is not a count of 0. */
	if (!csw_ok)
		f->vcsw_per_acq = f->ivcsw_per_acq = NAN;
	p->sample_every = r->sample_every;
}

bool sweep_cs_off_target(const struct sweep *s, const struct sweep_point *p)
{
	double got = SWEEP_MEDIAN(p, m.cs_ns_achieved);
	if (!isfinite(got) || !(p->cs_ns > 0))
		return false;
	/* The timer's cost is off the samples and the sections are
	 * calibrated at their own length (harness/section.h): no allowance
	 * of reads; an exponential section's figure is its mean, against
	 * the asked mean (run.c). */
	(void)s;
	return fabs(got - p->cs_ns) > CS_OFF_TARGET * p->cs_ns;
}

unsigned sweep_starved_threads(const struct sweep_point *p)
{
	unsigned n = 0;
	for (size_t i = 0; i < p->done; i++)
		n += p->rep[i].m.starved_threads;
	return n;
}
