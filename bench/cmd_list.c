/* cmd_list.c - `contend list`: the lock registry as a table or as JSON. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "lock.h"

static const char list_usage[] =
	"Usage: contend list [--json]\n\n"
	"List every lock algorithm contend can measure, with its family, whether\n"
	"it is fair (FIFO), whether a waiter may sleep, and where the idea is from.\n\n"
	"Options:\n"
	"  --json       print the registry as a JSON array instead of a table\n"
	"  -h, --help   show this help\n";

static json_t *lock_to_json(const struct lock_desc *d)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:I, s:I}",
			 "name", d->name, "description", d->description,
			 "origin", d->origin, "family", lock_family_name(d->family),
			 "fair", (d->props & LOCK_FAIR) != 0,
			 "may_sleep", (d->props & LOCK_MAY_SLEEP) != 0,
			 "needs_node", (d->props & LOCK_NEEDS_NODE) != 0,
			 "counting", (d->props & LOCK_COUNTING) != 0,
			 "peer", (d->props & LOCK_PEER) != 0,
			 "trylock_may_block", (d->props & LOCK_TRYLOCK_MAY_BLOCK) != 0,
			 "lock_size", (json_int_t)d->lock_size,
			 "node_size", (json_int_t)d->node_size);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': fputs(list_usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (optind < argc) {
		cli_usage_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}

	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lock_count(); i++)
			json_array_append_new(arr, lock_to_json(lock_at(i)));
		int rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(arr);
		fputc('\n', stdout);
		return rc == 0 ? 0 : 1;
	}

	printf("%-17s %-8s %-4s %-5s %-4s  %s\n", "NAME", "FAMILY", "FAIR",
	       "SLEEP", "NODE", "DESCRIPTION");
	for (size_t i = 0; i < lock_count(); i++) {
		const struct lock_desc *d = lock_at(i);
		printf("%-17s %-8s %-4s %-5s %-4s  %s\n", d->name,
		       lock_family_name(d->family),
		       d->props & LOCK_FAIR ? "yes" : "no",
		       d->props & LOCK_MAY_SLEEP ? "yes" : "no",
		       d->props & LOCK_NEEDS_NODE ? "yes" : "no", d->description);
	}
	return 0;
}
