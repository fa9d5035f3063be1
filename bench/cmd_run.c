/*
 * cmd_run.c - `contend run`: parse the options into a sweep, run it with
 * the sweep engine (harness/sweep.h: rounds of every point in a seeded
 * shuffled order, probes around each repeat), show progress, print a table
 * (or JSON / CSV) and write the results JSON atomically after every round.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cli.h"
#include "commands.h"
#include "parse.h"
#include "run_output.h"
#include "writer.h"
#include "stats.h"

#define MAX_THREADS 4096
#define DEFAULT_DURATION "100ms"
#define DEFAULT_WARMUP "20ms"
/* 6 repeats: [min, max] covers the median at 96.9 %, the first count that
 * reaches 95 % (5 reach 93.75 %); it costs a sixth more sweep time. */
#define DEFAULT_REPEATS 6
#define DEFAULT_REPEATS_TEXT "6"
#define DEFAULT_CS "50ns,1us"
#define DEFAULT_NCS "0"

static const char run_usage[] =
	"Usage: contend run [OPTIONS]\n"
	"\n"
	"Measure lock algorithms under contention. Every combination of the lists\n"
	"below is a point; each point runs --repeat times, one round of all points\n"
	"after another in a shuffled order, and reports the median throughput with\n"
	"a confidence interval (its level printed: 96.9% for 6 repeats, 93.8% for\n"
	"5, none for 1), fairness, latency and context switches.\n"
	"With no options: every lock; 1, 2, the CPU count and 4x the CPU count\n"
	"threads (oversubscription allowed); 50ns and 1us critical sections.\n"
	"\n"
	"Workload:\n"
	"  --locks LIST|all     locks to run (see 'contend list'); default all\n"
	"  --threads LIST       thread counts: N, ranges A-B, multiples of the CPU\n"
	"                       count Nx (e.g. 1,2,4-8,2x)\n"
	"  --cs LIST            critical section lengths: ns, us, ms, s, or c (TSC\n"
	"                       cycles); a bare number is ns; default " DEFAULT_CS "\n"
	"  --ncs LIST           non-critical section lengths; default " DEFAULT_NCS "\n"
	"  --dist fixed|exp     section lengths fixed, or exponential with that mean\n"
	"  --cs-lines N         shared cache lines written per critical section (1)\n"
	"  --nlocks N           locks the threads spread over, chosen uniformly (1)\n"
	"  --permits K          holders admitted by counting locks (sem, posix-sem)\n"
	"  --spin-budget N      relax hints the hybrid locks (futex-spin, mcs-park,\n"
	"                       malthusian) spin before sleeping\n"
	"\n"
	"Timing:\n"
	"  --duration D         measured window per repeat; default " DEFAULT_DURATION "\n"
	"  --warmup D           run before the window, not measured; default " DEFAULT_WARMUP "\n"
	"  --repeat N           repeats per point; default " DEFAULT_REPEATS_TEXT "\n"
	"  --sample-every N|auto|off\n"
	"                       time every Nth acquisition (latency, hold time);\n"
	"                       auto keeps the timing overhead under ~1%\n"
	"  --seed S             seed of the shuffled order and per-thread RNGs\n"
	"\n"
	"Placement:\n"
	"  --pin POLICY|CPUS    compact, scatter, cores, none, or a CPU list\n"
	"                       (0,2,4-7); default compact\n"
	"  --oversubscribe      allow more threads than CPUs\n"
	"  --mem POLICY         where the locks live: local, interleave, node:N\n"
	"\n"
	"Output:\n"
	"  -o, --output FILE    results JSON; default results/HOST-DATE.json\n"
	"  --format F           stdout: table (default), json or csv\n"
	"  -q, --quiet          no progress on stderr\n"
	"  -h, --help           show this help\n"
	"\n"
	"SIGINT/SIGTERM stop the sweep after the current point and write what\n"
	"finished, marked \"complete\": false (exit 130/143); a second one exits\n"
	"at once. The file is replaced atomically after every round.\n";

enum { OPT_LOCKS = 256, OPT_THREADS, OPT_CS, OPT_NCS, OPT_DIST, OPT_CS_LINES, OPT_NLOCKS,
       OPT_PERMITS, OPT_SPIN_BUDGET, OPT_DURATION, OPT_WARMUP, OPT_REPEAT, OPT_SAMPLE,
       OPT_SEED, OPT_PIN, OPT_OVERSUB, OPT_MEM, OPT_FORMAT };

static volatile sig_atomic_t stop_request;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	if (stop_request) {
		/* Second signal: leave now, without a half-written file. */
		if (atomic_file_pending[0])
			unlink(atomic_file_pending);
		_exit(128 + sig);
	}
	stop_signal = sig;
	stop_request = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: sleeps end early */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int usage_fail(const char *msg)
{
	cli_usage_error("%s", msg);
	return EXIT_USAGE;
}

/* argv joined, each argument quoted when the shell would need it. */
static void join_command_line(int argc, char **argv, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "contend run");
	for (int i = 0; i < argc && off < len; i++) {
		const char *a = argv[i];
		bool plain = a[0] != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
						     "QRSTUVWXYZ0123456789-_=.,:/+@%") == strlen(a);
		off += snprintf(buf + off, len - off, plain ? " %s" : " '%s'", a);
	}
}

static int parse_locks(const char *s, struct sweep_config *c, char *err, size_t errlen)
{
	char *copy = strdup(s), *save = NULL, *tok;
	c->locks = calloc(lock_count() + 1, sizeof(*c->locks));
	c->nlocks_list = 0;
	if (!copy || !c->locks) {
		free(copy);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strcmp(s, "all") == 0) {
		for (size_t i = 0; i < lock_count(); i++)
			c->locks[c->nlocks_list++] = lock_at(i);
		free(copy);
		return 0;
	}
	if (s[0] == '\0' || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,")) {
		snprintf(err, errlen, "--locks: '%s' has an empty entry", s);
		free(copy);
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct lock_desc *d = lock_find(tok);
		if (d == NULL) {
			snprintf(err, errlen, "--locks: unknown lock '%s' (see 'contend list')", tok);
			free(copy);
			return -1;
		}
		bool dup = false;
		for (size_t i = 0; i < c->nlocks_list; i++)
			dup |= c->locks[i] == d;
		if (!dup)
			c->locks[c->nlocks_list++] = d;
	}
	free(copy);
	return 0;
}

static void format_eta(double seconds, char *buf, size_t len)
{
	if (seconds < 0 || !isfinite(seconds))
		snprintf(buf, len, "?");
	else if (seconds >= 60)
		snprintf(buf, len, "%dm%02ds", (int)seconds / 60, (int)seconds % 60);
	else
		snprintf(buf, len, "%ds", (int)ceil(seconds));
}

static double monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct write_ctx {
	const struct sweep *s;
};

static int write_json(FILE *f, void *ctx)
{
	json_t *doc = sweep_to_json(((struct write_ctx *)ctx)->s);
	int rc = doc ? json_dumpf(doc, f, JSON_INDENT(2) | JSON_SORT_KEYS) : -1;
	if (rc == 0)
		fputc('\n', f);
	json_decref(doc);
	return rc;
}

static int save(const struct sweep *s, const char *path)
{
	char err[512];
	struct write_ctx ctx = { s };
	if (atomic_write_file(path, write_json, &ctx, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

static void default_output_path(char *buf, size_t len)
{
	char host[128] = "host";
	time_t now = time(NULL);
	struct tm tm;
	gethostname(host, sizeof(host) - 1);
	for (char *c = host; *c; c++)
		if (*c == '/' || *c == ' ')
			*c = '_';
	gmtime_r(&now, &tm);
	snprintf(buf, len, "results/%s-%04d%02d%02d-%02d%02d%02d.json", host, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* What the progress callback needs besides the sweep. */
struct progress_ctx {
	bool show;          /* a progress line on stderr (a terminal) */
	const char *output; /* the checkpoint file */
	double t_begin;
};

static void on_progress(const struct sweep *s, const struct sweep_progress *pr, void *ctxp)
{
	struct progress_ctx *ctx = ctxp;
	const struct sweep_point *p = pr->point;

	switch (pr->event) {
	case SWEEP_REPEAT_START:
		if (ctx->show) {
			char eta[16], csb[32];
			double el = monotonic_seconds() - ctx->t_begin;
			format_eta(pr->done > 1 ? el / (pr->done - 1) * (pr->total - pr->done + 1)
						: NAN, eta, sizeof(eta));
			snprintf(csb, sizeof(csb), "%.0fns", p->cs_ns);
			fprintf(stderr, "\r\033[K[%zu/%zu] round %u/%u  %s threads=%u cs=%s  ETA %s",
				pr->done, pr->total, pr->round + 1, s->cfg.repeats, p->lock->name,
				p->threads, csb, eta);
		}
		break;
	case SWEEP_REPEAT_ERROR:
		if (ctx->show)
			fputs("\r\033[K", stderr);
		cli_error("%s with %u threads: %s", p->lock->name, p->threads, pr->message);
		break;
	case SWEEP_ROUND_END:
		/* The checkpoint: complete stays false until the end. */
		save(s, ctx->output);
		break;
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "locks", required_argument, NULL, OPT_LOCKS },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "cs", required_argument, NULL, OPT_CS },
		{ "ncs", required_argument, NULL, OPT_NCS },
		{ "dist", required_argument, NULL, OPT_DIST },
		{ "cs-lines", required_argument, NULL, OPT_CS_LINES },
		{ "nlocks", required_argument, NULL, OPT_NLOCKS },
		{ "permits", required_argument, NULL, OPT_PERMITS },
		{ "spin-budget", required_argument, NULL, OPT_SPIN_BUDGET },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "sample-every", required_argument, NULL, OPT_SAMPLE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "pin", required_argument, NULL, OPT_PIN },
		{ "oversubscribe", no_argument, NULL, OPT_OVERSUB },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *locks_arg = "all", *threads_arg = NULL, *cs_arg = DEFAULT_CS,
		   *ncs_arg = DEFAULT_NCS, *duration_arg = DEFAULT_DURATION,
		   *warmup_arg = DEFAULT_WARMUP, *pin_arg = TOPO_DEFAULT_PIN,
		   *mem_arg = "local", *output = NULL, *format = "table";
	struct sweep s;
	struct sweep_config *c = &s.cfg;
	struct time_value *cs_tv = NULL, *ncs_tv = NULL, dur_tv, warm_tv;
	size_t ncs_tv_n = 0, cs_tv_n = 0;
	char err[512], outbuf[512];
	unsigned long v;
	bool quiet = false, seed_given = false;
	int ch, status = 0;

	memset(&s, 0, sizeof(s));
	c->repeats = DEFAULT_REPEATS;
	c->permits = 1;
	c->cs_lines = 1;
	c->nlocks = 1;
	c->sample_every = 0;
	join_command_line(argc - 1, argv + 1, c->command_line, sizeof(c->command_line));

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_LOCKS: locks_arg = optarg; break;
		case OPT_THREADS: threads_arg = optarg; break;
		case OPT_CS: cs_arg = optarg; break;
		case OPT_NCS: ncs_arg = optarg; break;
		case OPT_DIST:
			if (strcmp(optarg, "fixed") == 0)
				c->exp_dist = false;
			else if (strcmp(optarg, "exp") == 0)
				c->exp_dist = true;
			else {
				snprintf(err, sizeof(err), "--dist: '%s' is not fixed or exp", optarg);
				return usage_fail(err);
			}
			break;
		case OPT_CS_LINES:
			if (parse_unsigned("--cs-lines", optarg, 1, 1024, &v, err, sizeof(err)))
				return usage_fail(err);
			c->cs_lines = (unsigned)v;
			break;
		case OPT_NLOCKS:
			if (parse_unsigned("--nlocks", optarg, 1, 4096, &v, err, sizeof(err)))
				return usage_fail(err);
			c->nlocks = (unsigned)v;
			break;
		case OPT_PERMITS:
			if (parse_unsigned("--permits", optarg, 1, 65536, &v, err, sizeof(err)))
				return usage_fail(err);
			c->permits = (unsigned)v;
			break;
		case OPT_SPIN_BUDGET:
			if (parse_unsigned("--spin-budget", optarg, 1, 100000000, &v, err, sizeof(err)))
				return usage_fail(err);
			c->spin_budget = (unsigned)v;
			break;
		case OPT_DURATION: duration_arg = optarg; break;
		case OPT_WARMUP: warmup_arg = optarg; break;
		case OPT_REPEAT:
			if (parse_unsigned("--repeat", optarg, 1, 1000, &v, err, sizeof(err)))
				return usage_fail(err);
			c->repeats = (unsigned)v;
			break;
		case OPT_SAMPLE:
			if (strcmp(optarg, "auto") == 0)
				c->sample_every = 0;
			else if (strcmp(optarg, "off") == 0)
				c->sample_every = -1;
			else if (parse_unsigned("--sample-every", optarg, 1, 1u << 20, &v, err,
						sizeof(err)))
				return usage_fail(err);
			else
				c->sample_every = (long)v;
			break;
		case OPT_SEED: {
			char *end;
			errno = 0;
			unsigned long long seed = strtoull(optarg, &end, 0);
			if (errno || *end || optarg[0] == '-' || optarg[0] == '\0') {
				snprintf(err, sizeof(err), "--seed: '%s' is not a non-negative integer",
					 optarg);
				return usage_fail(err);
			}
			c->seed = seed;
			seed_given = true;
			break;
		}
		case OPT_PIN: pin_arg = optarg; break;
		case OPT_OVERSUB: c->oversubscribe = true; break;
		case OPT_MEM: mem_arg = optarg; break;
		case 'o': output = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") && strcmp(optarg, "json") && strcmp(optarg, "csv")) {
				snprintf(err, sizeof(err), "--format: '%s' is not table, json or csv",
					 optarg);
				return usage_fail(err);
			}
			format = optarg;
			break;
		case 'q': quiet = true; break;
		case 'h': fputs(run_usage, stdout); return 0;
		default:
			return cli_bad_option(ch, argv);
		}
	}
	if (optind < argc) {
		snprintf(err, sizeof(err), "unexpected argument '%s'", argv[optind]);
		return usage_fail(err);
	}

	/* Everything that can be checked before measuring is, so that a bad
	 * value never costs a sweep and never leaves a file behind. */
	if (parse_locks(locks_arg, c, err, sizeof(err)) != 0)
		goto usage;
	if (parse_time_list("--cs", cs_arg, &cs_tv, &cs_tv_n, err, sizeof(err)) != 0 ||
	    parse_time_list("--ncs", ncs_arg, &ncs_tv, &ncs_tv_n, err, sizeof(err)) != 0 ||
	    parse_time("--duration", duration_arg, "s", false, &dur_tv, err, sizeof(err)) != 0 ||
	    parse_time("--warmup", warmup_arg, "s", true, &warm_tv, err, sizeof(err)) != 0)
		goto usage;
	if (dur_tv.cycles || warm_tv.cycles) {
		snprintf(err, sizeof(err), "%s: give a time in ns, us, ms or s, not cycles",
			 dur_tv.cycles ? "--duration" : "--warmup");
		goto usage;
	}
	c->duration_s = dur_tv.value * 1e-9;
	c->warmup_s = warm_tv.value * 1e-9;
	if (mem_policy_parse(mem_arg, &c->mem, err, sizeof(err)) != 0)
		goto usage;
	mem_policy_format(&c->mem, c->mem_text, sizeof(c->mem_text));
	snprintf(c->pin, sizeof(c->pin), "%s", pin_arg);
	if (topo_load(&s.topo, NULL, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		status = 1;
		goto out;
	}
	unsigned ncpus = topo_pus(s.topo);
	if (threads_arg == NULL) {
		/* The default sweep includes 4x the CPUs: oversubscription is
		 * part of it by design. */
		unsigned defaults[4] = { 1, 2, ncpus, 4 * ncpus };
		c->threads = calloc(4, sizeof(unsigned));
		for (int i = 0; i < 4; i++) {
			bool dup = false;
			for (size_t j = 0; j < c->nthreads; j++)
				dup |= c->threads[j] == defaults[i];
			if (!dup)
				c->threads[c->nthreads++] = defaults[i];
		}
		c->oversubscribe = true;
	} else if (parse_thread_list("--threads", threads_arg, ncpus, MAX_THREADS, &c->threads,
				     &c->nthreads, err, sizeof(err)) != 0) {
		goto usage;
	}
	/* Plans for every thread count now: pin errors are usage errors. */
	int *plan_cpus = calloc(MAX_THREADS, sizeof(int));
	for (size_t i = 0; plan_cpus && i < c->nthreads; i++) {
		if (topo_plan(s.topo, c->pin, c->threads[i], c->oversubscribe, plan_cpus, err,
			      sizeof(err)) != 0) {
			free(plan_cpus);
			goto usage;
		}
	}
	free(plan_cpus);
	if (output == NULL) {
		default_output_path(outbuf, sizeof(outbuf));
		output = outbuf;
		mkdir("results", 0755); /* an existing directory is fine */
	}
	if (atomic_check_writable(output, err + 4, sizeof(err) - 4) != 0) {
		memcpy(err, "-o: ", 4);
		goto usage;
	}
	if (!seed_given)
		c->seed = (uint64_t)time(NULL);

	if (run_env_init(&s.env, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		status = 1;
		goto out;
	}
	c->cs_ns = calloc(cs_tv_n, sizeof(double));
	c->ncs_ns = calloc(ncs_tv_n, sizeof(double));
	for (size_t i = 0; i < cs_tv_n; i++)
		c->cs_ns[i] = time_value_ns(&cs_tv[i], s.env.tsc.hz);
	for (size_t i = 0; i < ncs_tv_n; i++)
		c->ncs_ns[i] = time_value_ns(&ncs_tv[i], s.env.tsc.hz);
	c->ncs = cs_tv_n;
	c->nncs = ncs_tv_n;

	/* The points, in nested order (the order of the table). */
	if (sweep_build_points(&s, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		status = 1;
		goto out;
	}

	{
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(s.timestamp, sizeof(s.timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	install_signals();
	struct progress_ctx pctx = {
		.show = !quiet && isatty(STDERR_FILENO), .output = output,
		.t_begin = monotonic_seconds(),
	};
	s.complete = false;
	s.interrupted_by = NULL;
	bool any_error = !sweep_run_rounds(&s, &stop_request, on_progress, &pctx);
	if (pctx.show)
		fputs("\r\033[K", stderr);

	s.complete = !stop_request && !any_error;
	s.interrupted_by = stop_request ? (stop_signal == SIGTERM ? "SIGTERM" : "SIGINT") : NULL;
	if (save(&s, output) != 0)
		status = 1;
	if (strcmp(format, "json") == 0) {
		json_t *doc = sweep_to_json(&s);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
		json_decref(doc);
	} else if (strcmp(format, "csv") == 0) {
		sweep_print_csv(&s, stdout);
	} else {
		sweep_print_table(&s, stdout);
	}
	fflush(stdout);
	if (!quiet)
		fprintf(stderr, "contend run: %s %s\n",
			s.complete ? "results written to" : "partial results written to", output);
	for (size_t i = 0; i < s.npoints; i++)
		for (size_t r = 0; r < s.points[i].done; r++)
			if (s.points[i].rep[r].violations)
				status = status ? status : 1;
	if (any_error && status == 0)
		status = 1;
	if (stop_request)
		status = 128 + (stop_signal ? stop_signal : SIGINT);
	goto out;

usage:
	cli_usage_error("%s", err);
	status = EXIT_USAGE;
out:
	free(cs_tv);
	free(ncs_tv);
	sweep_free(&s);
	return status;
}
