/*
 * cmd_topo.c - `contend topo`: the topology hwloc sees and where a pin
 * policy would put each thread, without running anything.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "parse.h"
#include "topo.h"
#include "topo_json.h"
#include "topo_span_json.h"

static const char topo_usage[] =
	"Usage: contend topo [--threads N] [--pin POLICY|CPULIST] [--oversubscribe]\n"
	"                    [--topology SYNTH|FILE.xml] [--json]\n\n"
	"Show the machine's topology as hwloc sees it (CPU model, packages, NUMA\n"
	"nodes, cores, PUs, caches, the CPUs this process may use) and, for a pin\n"
	"policy and N threads, the CPU, core, package and NUMA node each thread\n"
	"would get in `contend run`. Nothing is pinned or run.\n\n"
	"Options:\n"
	"  -t, --threads N      threads to place (default: number of CPUs)\n"
	"  -p, --pin POLICY     compact  fill a core's hardware threads, then the next\n"
	"                                core, then the next package (default)\n"
	"                       scatter  round-robin over packages / NUMA nodes, then\n"
	"                                cores; SMT siblings last\n"
	"                       cores    first hardware thread of every core (package\n"
	"                                by package) before any SMT sibling\n"
	"                       none     no pinning: the scheduler places threads\n"
	"                       CPULIST  explicit OS CPU numbers, e.g. 0,2,4-7\n"
	"      --oversubscribe  allow more threads than CPUs (round-robin over the\n"
	"                       policy's CPUs)\n"
	"      --topology SRC   describe SRC instead of this machine: a hwloc\n"
	"                       synthetic description (\"pack:2 numa:1 core:4 pu:2\")\n"
	"                       or a hwloc XML file (lstopo --of xml)\n"
	"      --json           print JSON instead of text\n"
	"  -h, --help           show this help\n";

/* Thread counts beyond this are surely a typo; the plan array is sized by it. */
#define TOPO_CMD_MAX_THREADS 65536

static int parse_threads(const char *s, unsigned *out)
{
	char err[160];
	unsigned long v;

	if (parse_unsigned("--threads", s, 1, TOPO_CMD_MAX_THREADS, &v, err, sizeof(err)) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void format_bytes(unsigned long long b, char *buf, size_t len)
{
	if (b == 0)
		snprintf(buf, len, "unknown");
	else if (b % (1024ULL * 1024) == 0)
		snprintf(buf, len, "%llu MiB", b / (1024ULL * 1024));
	else if (b % 1024 == 0)
		snprintf(buf, len, "%llu KiB", b / 1024);
	else
		snprintf(buf, len, "%llu B", b);
}

/* How many threads of the plan share thread i's CPU (1 = it has its own). */
static unsigned sharers(const int *cpus, unsigned n, unsigned i)
{
	unsigned k = 0;

	for (unsigned j = 0; j < n; j++)
		if (cpus[j] == cpus[i])
			k++;
	return k;
}

static void print_text(const struct topo *t, const char *pin, const int *cpus,
		       unsigned n, bool over)
{
	char l1[32], l2[32], l3[32], allowed[1024];
	const char *model = topo_cpu_model(t);

	format_bytes(topo_cache_bytes(t, 1), l1, sizeof(l1));
	format_bytes(topo_cache_bytes(t, 2), l2, sizeof(l2));
	format_bytes(topo_cache_bytes(t, 3), l3, sizeof(l3));
	if (topo_cpulist_string(t, allowed, sizeof(allowed)) != 0)
		snprintf(allowed, sizeof(allowed), "(too many to list)");

	printf("source:        %s%s\n", topo_source(t),
	       topo_is_this_machine(t) ? "" : " (a description, not this machine)");
	printf("CPU model:     %s\n", model ? model : "unknown");
	printf("packages:      %u\n", topo_packages(t));
	printf("NUMA nodes:    %u\n", topo_numa_nodes(t));
	printf("cores:         %u\n", topo_cores(t));
	printf("PUs:           %u (%s)\n", topo_pus(t), topo_smt(t) ? "SMT" : "no SMT");
	printf("caches:        L1d %s, L2 %s, L3 %s\n", l1, l2, l3);
	printf("%-14s %s\n", topo_is_this_machine(t) ? "allowed CPUs:" : "CPUs:", allowed);

	printf("\npin %s, %u thread%s", pin, n, n == 1 ? "" : "s");
	if (over)
		printf(": OVERSUBSCRIBED, more threads than the policy's %d CPUs",
		       topo_policy_cpus(t, pin, NULL, 0));
	printf("\n");
	if (cpus[0] < 0) {
		printf("unpinned: the scheduler places every thread\n");
		return;
	}
	printf("%6s %5s %5s %8s %5s\n", "thread", "cpu", "core", "package", "node");
	for (unsigned i = 0; i < n; i++) {
		unsigned k = sharers(cpus, n, i);
		printf("%6u %5d %5d %8d %5d", i, cpus[i], topo_cpu_core(t, cpus[i]),
		       topo_cpu_package(t, cpus[i]), topo_cpu_node(t, cpus[i]));
		if (k > 1)
			printf("  shares its CPU with %u other thread%s", k - 1,
			       k == 2 ? "" : "s");
		printf("\n");
	}
	topo_span_print(stdout, t, pin, cpus, n);
}

static json_t *int_or_null(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static int print_json(const struct topo *t, const char *pin, const int *cpus,
		      unsigned n, bool over)
{
	const char *model = topo_cpu_model(t);
	json_t *root = json_object(), *plan = json_object();
	json_t *cpu_arr = json_array(), *per_thread = json_array();

	for (unsigned i = 0; i < n; i++) {
		json_array_append_new(cpu_arr, json_integer(cpus[i]));
		json_t *th = json_object();
		json_object_set_new(th, "thread", json_integer(i));
		json_object_set_new(th, "cpu", json_integer(cpus[i]));
		json_object_set_new(th, "core", int_or_null(topo_cpu_core(t, cpus[i])));
		json_object_set_new(th, "package", int_or_null(topo_cpu_package(t, cpus[i])));
		json_object_set_new(th, "node", int_or_null(topo_cpu_node(t, cpus[i])));
		json_array_append_new(per_thread, th);
	}
	json_object_set_new(plan, "pin", json_string(pin));
	json_object_set_new(plan, "threads", json_integer(n));
	json_object_set_new(plan, "oversubscribed", json_boolean(over));
	json_object_set_new(plan, "cpus", cpu_arr);
	json_object_set_new(plan, "per_thread", per_thread);
	topo_span_json_set(plan, t, cpus, n);
	topo_boundaries_json_set(plan, t, pin);

	json_object_set_new(root, "source", json_string(topo_source(t)));
	json_object_set_new(root, "this_machine", json_boolean(topo_is_this_machine(t)));
	json_object_set_new(root, "cpu_model", model ? json_string(model) : json_null());
	json_object_set_new(root, "topology", topo_to_json(t));
	json_object_set_new(root, "plan", plan);

	int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', stdout);
	json_decref(root);
	return rc == 0 ? 0 : 1;
}

int cmd_topo(int argc, char **argv)
{
	enum { OPT_OVERSUB = 256, OPT_TOPOLOGY, OPT_JSON };
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "pin", required_argument, NULL, 'p' },
		{ "oversubscribe", no_argument, NULL, OPT_OVERSUB },
		{ "topology", required_argument, NULL, OPT_TOPOLOGY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pin = TOPO_DEFAULT_PIN, *source = NULL;
	unsigned nthreads = 0;
	bool oversubscribe = false, json = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_threads(optarg, &nthreads) != 0) {
				cli_usage_error("--threads '%s': expected a whole number "
						"from 1 to %d", optarg, TOPO_CMD_MAX_THREADS);
				return EXIT_USAGE;
			}
			break;
		case 'p': pin = optarg; break;
		case OPT_OVERSUB: oversubscribe = true; break;
		case OPT_TOPOLOGY: source = optarg; break;
		case OPT_JSON: json = true; break;
		case 'h': fputs(topo_usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (optind < argc) {
		cli_usage_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}

	char err[512];
	struct topo *t;
	if (topo_load(&t, source, err, sizeof(err)) != 0) {
		if (source != NULL) {
			cli_usage_error("%s", err);
			return EXIT_USAGE;
		}
		cli_error("%s", err);
		return 1;
	}
	if (nthreads == 0)
		nthreads = topo_pus(t);

	int *cpus = malloc(nthreads * sizeof(*cpus));
	if (cpus == NULL) {
		cli_error("out of memory");
		topo_free(t);
		return 1;
	}
	int rc;
	if (topo_plan(t, pin, nthreads, oversubscribe, cpus, err, sizeof(err)) != 0) {
		cli_usage_error("%s", err);
		rc = EXIT_USAGE;
	} else {
		bool over = topo_plan_is_oversubscribed(t, pin, nthreads);
		if (json) {
			rc = print_json(t, pin, cpus, nthreads, over);
		} else {
			print_text(t, pin, cpus, nthreads, over);
			rc = 0;
		}
		if (fflush(stdout) != 0) {
			cli_error("writing the output: %s", strerror(errno));
			rc = 1;
		}
	}
	free(cpus);
	topo_free(t);
	return rc;
}
