/* writer.c - the results JSON of a sweep (results/SCHEMA.md, version 2). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gnu/libc-version.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__aarch64__)
#include <sys/auxv.h>
#endif
#include <unistd.h>

#include "placement_json.h"
#include "stats.h"
#include "reader.h" /* RESULTS_SCHEMA_VERSION: the writer writes what the reader reads */
#include "run_spec.h"
#include "writer.h"
#include "topo_json.h"
#include "topo_span_json.h"
#include "machine_virt.h"

/* A measured number, or null when it was not measured (NAN). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static void read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* HWCAP_ATOMICS: the CPU has the LSE atomics (Linux arch/arm64 hwcap bit 8). */
#if defined(__aarch64__) && !defined(HWCAP_ATOMICS)
#define HWCAP_ATOMICS (1UL << 8)
#endif

/*
 * meta.arch: what the figures depend on in the architecture. The machine
 * and the atomics are those compiled in (configure detects the atomics from
 * the code $CC emits); with -moutline-atomics, libgcc picks LSE or LL/SC at
 * run time by the HWCAP_ATOMICS bit, so that is read here too.
 */
static json_t *arch_json(const struct topo *t)
{
#if defined(__x86_64__)
	const char *machine = "x86_64";
#elif defined(__aarch64__)
	const char *machine = "aarch64";
#elif defined(__i386__)
	const char *machine = "i386";
#else
	const char *machine = "other";
#endif
	const char *run_atomics = CONTEND_ATOMICS;
#if defined(__aarch64__)
	if (strcmp(CONTEND_ATOMICS, "outline") == 0)
		run_atomics = getauxval(AT_HWCAP) & HWCAP_ATOMICS ? "lse" : "llsc";
#endif
	unsigned line = topo_cache_line_bytes(t);
	char note[160] = "";
	if (line > LOCK_CACHELINE)
		snprintf(note, sizeof(note), "hwloc reports %u-byte cache lines, larger than "
			 "the %d contend aligns hot data to: rebuild with --with-cache-line=%u",
			 line, LOCK_CACHELINE, line);

	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:i, s:o}",
		"machine", machine, "atomics", CONTEND_ATOMICS,
		"atomics_at_run_time", run_atomics, "relax", LOCK_CPU_RELAX_NAME,
		"cache_line_bytes", line ? json_integer(line) : json_null(),
		"lock_cacheline_bytes", (int)LOCK_CACHELINE, "lock_pad_bytes", (int)LOCK_PAD,
		"cache_line_note", str_or_null(note[0] ? note : NULL));
}

static json_t *meta_json(const struct sweep *s)
{
	struct utsname u;
	char host[256] = "", kernel[512] = "", libc[64], governor[64];
	const struct topo *t = s->topo;

	gethostname(host, sizeof(host) - 1);
	if (uname(&u) == 0)
		snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release, u.machine);
	snprintf(libc, sizeof(libc), "glibc %s", gnu_get_libc_version());
	read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", governor,
			sizeof(governor));
	json_t *topo_j = topo_to_json(t);
	json_t *tsc_j = json_pack("{s:f, s:b, s:s, s:f, s:o}", "hz", s->env.tsc.hz,
		"invariant", s->env.tsc.invariant, "source", s->env.tsc.source,
		"read_cost_ns", s->env.tsc.rdtsc_cost_ns,
		"nominal_hz", s->env.tsc.nominal_hz > 0 ? json_real(s->env.tsc.nominal_hz)
							 : json_null());
	json_t *perf_j = json_pack("{s:b, s:b, s:o, s:o}",
		"software", s->env.counters.sw, "hardware", s->env.counters.hw,
		"software_unavailable_reason",
		str_or_null(s->env.counters.sw ? NULL : s->env.counters.sw_reason),
		"hardware_unavailable_reason",
		str_or_null(s->env.counters.hw ? NULL : s->env.counters.hw_reason));
	json_t *numa_j = json_pack("{s:i, s:s, s:o}", "nodes", (int)topo_numa_nodes(t),
		"placement", s->cfg.mem_text, "note", str_or_null(s->mem_note));

	json_t *meta = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:I}",
		"timestamp", s->timestamp, "hostname", host,
		"cpu_model", str_or_null(topo_cpu_model(t)), "topology", topo_j,
		"kernel", kernel, "libc", libc,
		"compiler", CONTEND_COMPILER, "cflags", CONTEND_CFLAGS,
		"tsc", tsc_j, "arch", arch_json(t), "governor", str_or_null(governor),
		"perf", perf_j,
		"numa", numa_j, "command_line", s->cfg.command_line,
		"seed", (json_int_t)s->cfg.seed);
	machine_virt_json(meta);
	return meta;
}

static json_t *config_json(const struct sweep_config *c)
{
	json_t *locks = json_array(), *threads = json_array(), *cs = json_array(),
	       *ncs = json_array();
	for (size_t i = 0; i < c->nlocks_list; i++)
		json_array_append_new(locks, json_string(c->locks[i]->name));
	for (size_t i = 0; i < c->nthreads; i++)
		json_array_append_new(threads, json_integer(c->threads[i]));
	for (size_t i = 0; i < c->ncs; i++)
		json_array_append_new(cs, json_real(c->cs_ns[i]));
	for (size_t i = 0; i < c->nncs; i++)
		json_array_append_new(ncs, json_real(c->ncs_ns[i]));
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:s, s:f, s:f, s:i, s:s, s:b, s:s, s:i, s:i, s:i, s:I}",
		"locks", locks, "threads", threads, "cs_ns", cs, "ncs_ns", ncs,
		"cs_dist", c->exp_dist ? "exp" : "fixed", "duration_s", c->duration_s,
		"warmup_s", c->warmup_s, "repeats", (int)c->repeats, "pin", c->pin,
		"oversubscribe", c->oversubscribe, "mem", c->mem_text,
		"permits", (int)c->permits, "cs_lines", (int)c->cs_lines,
		"nlocks", (int)c->nlocks, "sample_every", (json_int_t)c->sample_every);
	run_spec_config_set(o, c);
	return o;
}

/* Percentiles of a merged histogram of TSC ticks, in ns; all null when no
 * acquisition was timed. */
static json_t *percentiles_json(const struct hist *h, const struct tsc_info *ti)
{
	static const struct {
		const char *key;
		double pct;
	} pcts[] = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p999", 99.9 }, { "max", 100 } };
	json_t *o = json_object();
	uint64_t n = hist_count(h);

	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		json_object_set_new(o, pcts[i].key,
			n ? json_real(tsc_cycles_to_ns(ti, hist_value_at_percentile(h, pcts[i].pct)))
			  : json_null());
	json_object_set_new(o, "samples", json_integer((json_int_t)n));
	return o;
}

static json_t *point_json(const struct sweep *s, const struct sweep_point *p)
{
	const struct sweep_config *c = &s->cfg;
	struct summary th;
	json_t *o = json_object();
	uint64_t violations = 0;
	unsigned migrations = 0;

	bool sampling_off = c->sample_every < 0;

	sweep_throughput_summary(p, &th);
	for (size_t i = 0; i < p->done; i++) {
		violations += p->rep[i].violations;
		migrations += p->rep[i].migrations;
	}

	json_t *cpus = json_array();
	for (unsigned i = 0; i < p->threads; i++)
		json_array_append_new(cpus, json_integer(p->cpus[i]));

	json_object_set_new(o, "lock", json_string(p->lock->name));
	json_object_set_new(o, "threads", json_integer(p->threads));
	json_object_set_new(o, "cs_ns", json_real(p->cs_ns));
	json_object_set_new(o, "ncs_ns", json_real(p->ncs_ns));
	json_object_set_new(o, "pin", json_string(c->pin));
	json_object_set_new(o, "cpus", cpus);
	topo_span_json_set(o, s->topo, p->cpus, p->threads);
	json_object_set_new(o, "oversubscribed", json_boolean(p->oversubscribed));
	json_object_set_new(o, "permits", json_integer(p->permits));
	json_object_set_new(o, "nlocks", json_integer(c->nlocks));
	json_object_set_new(o, "cs_lines", json_integer(c->cs_lines));
	json_object_set_new(o, "repeats", json_integer((json_int_t)p->done));
	json_object_set_new(o, "status", json_string(violations ? "failed" : "ok"));
	json_object_set_new(o, "violations", json_integer((json_int_t)violations));
	json_object_set_new(o, "throughput", json_pack("{s:f, s:f, s:f, s:f, s:o}",
		"median", th.median, "ci95_low", th.ci95_low, "ci95_high", th.ci95_high,
		"ci_level", th.ci_level, "cv", summary_has_spread(&th) ? num(th.cv) : json_null()));
	json_object_set_new(o, "ns_per_acq", num(th.median > 0 ? 1e9 / th.median : NAN));
	/* Wall time (descheduled and sleeping time included) and CPU time
	 * are different figures: each under its own name. */
	json_object_set_new(o, "wall_cycles_per_acq", num(SWEEP_MEDIAN(p, cycles_per_acq)));
	json_object_set_new(o, "cpu_ns_per_acq", num(SWEEP_MEDIAN(p, m.cpu_ns_per_acq)));
	json_object_set_new(o, "cs_ns_achieved", num(SWEEP_MEDIAN(p, m.cs_ns_achieved)));
	json_object_set_new(o, "ncs_ns_achieved", num(SWEEP_MEDIAN(p, m.ncs_ns_achieved)));
	json_object_set_new(o, "cs_off_target", json_boolean(sweep_cs_off_target(s, p)));
	if (sampling_off)
		json_object_set_new(o, "cs_ns_achieved_unavailable_reason",
				    json_string("--sample-every off: no section was timed"));
	if (sampling_off || !(p->ncs_ns > 0))
		json_object_set_new(o, "ncs_ns_achieved_unavailable_reason", json_string(
			sampling_off ? "--sample-every off: no section was timed"
				     : "--ncs 0: no non-critical section to time"));
	json_object_set_new(o, "bare_ns_per_acq", num(SWEEP_MEDIAN(p, bare_ns)));
	json_object_set_new(o, "fairness", json_pack("{s:o, s:o, s:o, s:i}",
		"jain", num(SWEEP_MEDIAN(p, jain)), "min_share", num(SWEEP_MEDIAN(p, min_share)),
		"max_share", num(SWEEP_MEDIAN(p, max_share)),
		"starved_threads", (int)sweep_starved_threads(p)));
	json_object_set_new(o, "handoff", json_pack("{s:o}", "same_thread_share",
		num(SWEEP_MEDIAN(p, same_share))));
	if (sampling_off) {
		json_object_set_new(o, "latency_ns", json_null());
		json_object_set_new(o, "latency_ns_unavailable_reason",
				    json_string("--sample-every off: no acquisition was timed"));
		json_object_set_new(o, "hold_ns", json_null());
		json_object_set_new(o, "hold_ns_unavailable_reason",
				    json_string("--sample-every off: no acquisition was timed"));
	} else {
		json_object_set_new(o, "latency_ns",
				    percentiles_json(&p->acquire_hist, &s->env.tsc));
		json_object_set_new(o, "hold_ns", percentiles_json(&p->hold_hist, &s->env.tsc));
		/* the percentiles weigh by period; the count is of samples */
		json_object_set_new(json_object_get(o, "latency_ns"), "samples",
				    json_integer((json_int_t)p->timed_samples));
		json_object_set_new(json_object_get(o, "hold_ns"), "samples",
				    json_integer((json_int_t)p->timed_samples));
	}
	json_object_set_new(o, "csw_per_acq", json_pack("{s:o, s:o}",
		"voluntary", num(SWEEP_MEDIAN(p, vcsw_per_acq)),
		"involuntary", num(SWEEP_MEDIAN(p, ivcsw_per_acq))));

	double sw_csw = SWEEP_MEDIAN(p, perf_per_acq[PERF_SW_CSW]);
	double sw_mig = SWEEP_MEDIAN(p, perf_per_acq[PERF_SW_MIGRATIONS]);
	if (isfinite(sw_csw) || isfinite(sw_mig)) {
		json_object_set_new(o, "perf_sw", json_pack("{s:o, s:o}",
			"context_switches", num(sw_csw), "cpu_migrations", num(sw_mig)));
	} else {
		json_object_set_new(o, "perf_sw", json_null());
		json_object_set_new(o, "perf_sw_unavailable_reason", json_string(
			s->env.counters.sw ? "software perf counters could not be read"
					   : s->env.counters.sw_reason));
	}
	double hw_c = SWEEP_MEDIAN(p, perf_per_acq[PERF_HW_CYCLES]);
	double hw_i = SWEEP_MEDIAN(p, perf_per_acq[PERF_HW_INSTRUCTIONS]);
	double hw_m = SWEEP_MEDIAN(p, perf_per_acq[PERF_HW_CACHE_MISSES]);
	if (isfinite(hw_c) || isfinite(hw_i) || isfinite(hw_m)) {
		json_object_set_new(o, "hw", json_pack("{s:o, s:o, s:o}", "cycles", num(hw_c),
			"instructions", num(hw_i), "cache_misses", num(hw_m)));
	} else {
		json_object_set_new(o, "hw", json_null());
		json_object_set_new(o, "hw_unavailable_reason", json_string(
			s->env.counters.hw ? "hardware perf counters could not be read"
					   : s->env.counters.hw_reason));
	}
	json_t *lock_stats = json_object();
#define LOCK_STAT_JSON(name, point_since, thread_since, what) \
	json_object_set_new(lock_stats, #name,                \
			    num(SWEEP_MEDIAN(p, lock_stats_per_acq[LOCK_STAT_##name])));
	LOCK_STATS_LIST(LOCK_STAT_JSON)
#undef LOCK_STAT_JSON
	json_object_set_new(o, "lock_stats", lock_stats);
	json_object_set_new(o, "migrations", json_integer(migrations));
	uint64_t every_min = UINT64_MAX, every_max = 0, backwards = 0;
	for (size_t i = 0; i < p->done; i++) {
		uint64_t e = p->rep[i].m.sample_every;
		every_min = e < every_min ? e : every_min;
		every_max = e > every_max ? e : every_max;
		backwards += p->rep[i].m.tsc_backwards;
	}
	/* The period every thread of a repeat used; with auto, repeats may
	 * differ: the median, and the range beside it. */
	double every = SWEEP_MEDIAN(p, m.sample_every_d);
	json_object_set_new(o, "harness", json_pack("{s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:I}",
		"sample_every", sampling_off ? json_null() : json_integer((json_int_t)every),
		"sample_every_min", sampling_off ? json_null() : json_integer((json_int_t)every_min),
		"sample_every_max", sampling_off ? json_null() : json_integer((json_int_t)every_max),
		"sampling", p->done && p->rep[0].m.sampling ? p->rep[0].m.sampling : "?",
		"timed_share", num(SWEEP_MEDIAN(p, timed_share)),
		"overhead_share", num(SWEEP_MEDIAN(p, overhead_share)),
		"serial_overhead_share", num(SWEEP_MEDIAN(p, m.serial_overhead_share)),
		"tsc_backwards", (json_int_t)backwards));
	json_object_set_new(json_object_get(o, "harness"), "timer_correction_ns",
		json_pack("{s:o, s:o, s:o, s:o}", "latency", num(SWEEP_MEDIAN(p, m.timer_wait_ns)),
			  "hold", num(SWEEP_MEDIAN(p, m.timer_hold_ns)),
			  "section", num(SWEEP_MEDIAN(p, m.timer_section_ns)),
			  "section_overlap", num(SWEEP_MEDIAN(p, m.section_overlap_ns))));
	json_object_set_new(o, "noisy", json_boolean(summary_has_spread(&th) && th.cv > 0.05));
	char why[160];
	bool changed = sweep_machine_changed(p, why, sizeof(why));
	json_object_set_new(o, "machine_changed", json_boolean(changed));
	json_object_set_new(o, "machine_note", str_or_null(changed ? why : NULL));

	/* Repeats in different placement regimes: each regime's own median
	 * (one median across them would depend on how many drew which). */
	struct sweep_regime reg[16];
	size_t nreg = sweep_point_regimes(p, reg, 16);
	json_t *regimes = json_null();
	if (nreg > 1) {
		regimes = json_array();
		for (size_t i = 0; i < nreg; i++)
			json_array_append_new(regimes, json_pack("{s:i, s:f, s:I, s:f}",
				"regime", reg[i].id, "rtt_ns", reg[i].rtt_ns,
				"repeats", (json_int_t)reg[i].repeats, "median", reg[i].median));
	}
	json_object_set_new(o, "regimes", regimes);
	size_t most = 0;
	for (size_t i = 0; i < nreg; i++)
		most = reg[i].repeats > most ? reg[i].repeats : most;
	json_object_set_new(o, "regimes_note", nreg > 1 && most < 3 ? json_string(
		"no placement regime holds 3 repeats: no regime's median has an interval") :
		json_null());

	json_t *reps = json_array();
	for (size_t i = 0; i < p->done; i++) {
		const struct repeat_figures *r = &p->rep[i];
		json_array_append_new(reps, json_pack(
			"{s:i, s:f, s:I, s:f, s:o, s:I, s:{s:o, s:o}, s:{s:o, s:o}, s:o, s:o, s:o, s:o}",
			"round", (int)r->round, "throughput", r->throughput,
			"acquisitions", (json_int_t)r->acquisitions, "window_ns", r->window_ns,
			"jain", num(r->jain), "violations", (json_int_t)r->violations,
			"probe_before", "rtt_ns", num(r->rtt_before), "speed_ns", num(r->speed_before),
			"probe_after", "rtt_ns", num(r->rtt_after), "speed_ns", num(r->speed_after),
			"regime", r->regime >= 0 ? json_integer(r->regime) : json_null(),
			"foreign_share", num(r->foreign_share),
			/* per repeat, so that two points can be compared round
			 * by round (bench/peers.sh) */
			"csw_per_acq", num(r->vcsw_per_acq + r->ivcsw_per_acq),
			"bare_ns", num(r->bare_ns)));
	}
	json_object_set_new(o, "per_repeat", reps);

	json_t *threads = json_array();
	for (unsigned i = 0; i < p->threads; i++) {
		const struct thread_sums *t = &p->per_thread[i];
		json_t *one = json_pack("{s:i, s:i, s:i, s:i, s:I, s:o, s:o, s:o, s:o}",
			"thread", (int)i, "cpu", t->cpu, "cpu_start", t->cpu_start,
			"cpu_end", t->cpu_end, "acquisitions", (json_int_t)t->acquisitions,
			"voluntary_csw", t->csw_unavailable ? json_null()
				: json_integer((json_int_t)t->voluntary_csw),
			"involuntary_csw", t->csw_unavailable ? json_null()
				: json_integer((json_int_t)t->involuntary_csw),
			"max_wait_ns", num(t->max_wait_ns), "cpu_ns", num(t->cpu_ns));
		for (size_t k = 0; k < LOCK_STAT_COUNT; k++)
			json_object_set_new(one, lock_stat_name[k],
					    json_integer((json_int_t)t->lock_stats.n[k]));
		json_array_append_new(threads, one);
	}
	placement_json_add(o, threads, p);
	json_object_set_new(o, "per_thread", threads);
	return o;
}

json_t *sweep_to_json(const struct sweep *s)
{
	json_t *results = json_array();
	for (size_t i = 0; i < s->npoints; i++)
		if (s->points[i].done > 0)
			json_array_append_new(results, point_json(s, &s->points[i]));

	json_t *doc = json_pack("{s:i, s:{s:s, s:s, s:o}, s:o, s:o, s:b, s:o, s:o}",
		"schema_version", RESULTS_SCHEMA_VERSION,
		"tool", "name", PACKAGE_NAME, "version", PACKAGE_VERSION,
		"git_revision", str_or_null(CONTEND_GIT_REVISION),
		"meta", meta_json(s), "config", config_json(&s->cfg),
		"complete", s->complete,
		"interrupted_by", str_or_null(s->interrupted_by),
		"results", results);
	topo_boundaries_json_set(doc, s->topo, s->cfg.pin);
	return doc;
}
