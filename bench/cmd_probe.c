/*
 * cmd_probe.c - `contend probe`: the cache-line round trip between CPUs,
 * the floor under any lock handoff between them. On a VM it moves with the
 * host's placement of the vCPUs, which is why `contend run` also takes it
 * before and after every repeat.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "parse.h"
#include "probe.h"
#include "run.h"
#include "topo.h"

static const char probe_usage[] =
	"Usage: contend probe [--cpus LIST] [--repeat N] [--json]\n\n"
	"Measure the round trip of one cache line between pairs of CPUs (ping-pong,\n"
	"median of batches), in ns: the floor under a lock handoff between them.\n"
	"By default every pair of the CPUs this process may use (at most the first\n"
	"16 CPUs).\n\n"
	"Options:\n"
	"  --cpus LIST    CPUs to probe, e.g. 0,1 or 0-3\n"
	"  --repeat N     probes per pair, the median is shown (default 5)\n"
	"  --json         print JSON instead of a matrix\n"
	"  -h, --help     show this help\n";

int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cpus_arg = NULL;
	unsigned long repeat = 5;
	bool json = false;
	char err[512];
	struct topo *topo = NULL;
	struct run_env env;
	int *cpus = NULL, ch, status = 0;
	size_t n = 0;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cpus_arg = optarg; break;
		case 'r':
			if (parse_unsigned("--repeat", optarg, 1, 1000, &repeat, err, sizeof(err))) {
				cli_usage_error("%s", err);
				return EXIT_USAGE;
			}
			break;
		case 'j': json = true; break;
		case 'h': fputs(probe_usage, stdout); return 0;
		default: return cli_bad_option(ch, argv);
		}
	}
	if (optind < argc) {
		cli_usage_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (topo_load(&topo, NULL, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return 1;
	}
	if (cpus_arg) {
		if (topo_parse_cpulist(cpus_arg, &cpus, &n, err, sizeof(err)) != 0) {
			cli_usage_error("--cpus: %s", err);
			status = EXIT_USAGE;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			if (!topo_has_cpu(topo, cpus[i])) {
				char list[256];
				topo_cpulist_string(topo, list, sizeof(list));
				cli_usage_error("--cpus: CPU %d is not available (CPUs %s)", cpus[i], list);
				status = EXIT_USAGE;
				goto out;
			}
		}
	} else {
		cpus = calloc(16, sizeof(int));
		n = cpus ? topo_cpus(topo, cpus, 16) : 0;
	}
	if (n < 2) {
		cli_usage_error("--cpus: need at least two CPUs to probe");
		status = EXIT_USAGE;
		goto out;
	}
	if (run_env_init(&env, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		status = 1;
		goto out;
	}

	json_t *pairs = json_array();
	if (!json) {
		printf("cache-line round trip, ns (median of %lu probes)\n%6s", repeat, "");
		for (size_t j = 0; j < n; j++)
			printf(" %7d", cpus[j]);
		printf("\n");
	}
	for (size_t i = 0; i < n; i++) {
		if (!json)
			printf("%6d", cpus[i]);
		for (size_t j = 0; j < n; j++) {
			double v[1000], med = NAN;
			size_t got = 0;
			if (i != j) {
				for (unsigned long r = 0; r < repeat; r++) {
					double x = probe_rtt_ns(cpus[i], cpus[j], &env.tsc);
					if (isfinite(x))
						v[got++] = x;
				}
				if (got) {
					/* median by insertion sort: got is small */
					for (size_t a = 1; a < got; a++)
						for (size_t b = a; b > 0 && v[b - 1] > v[b]; b--) {
							double t = v[b];
							v[b] = v[b - 1];
							v[b - 1] = t;
						}
					med = v[got / 2];
				}
			}
			if (json && i < j)
				json_array_append_new(pairs, json_pack("{s:i, s:i, s:o}", "a", cpus[i],
					"b", cpus[j], "rtt_ns", isfinite(med) ? json_real(med) : json_null()));
			if (!json) {
				if (i == j)
					printf(" %7s", "-");
				else if (isfinite(med))
					printf(" %7.1f", med);
				else
					printf(" %7s", "n/a");
			}
		}
		if (!json)
			printf("\n");
	}
	if (json) {
		json_dumpf(json_pack("{s:o}", "pairs", pairs), stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("\n");
	} else {
		json_decref(pairs);
	}
out:
	free(cpus);
	topo_free(topo);
	return status;
}
