/* main.c - the `contend` command: dispatch to a subcommand. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
#define COMMAND(name, fn, summary) { name, fn, summary },
#include "commands.def"
#undef COMMAND
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: contend COMMAND [OPTIONS]\n"
		"       contend --help | --version\n\n"
		"A lock contention benchmarking and profiling suite.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'contend COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	static char progname_buf[64];

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			snprintf(progname_buf, sizeof(progname_buf), "%s %s",
				 PACKAGE_NAME, commands[i].name);
			cli_progname = progname_buf;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	if (argv[1][0] == '-')
		cli_usage_error("unknown option '%s' (try 'contend --help')", argv[1]);
	else
		cli_usage_error("unknown command '%s' (try 'contend --help')", argv[1]);
	return EXIT_USAGE;
}
