/* cli.c - what every subcommand shares (cli.h): the program name and the
 * one-line usage and fatal errors. Apart from main.c so that the wings below
 * the commands (plot options, profile) can report errors without including
 * the command table. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

const char *cli_progname = PACKAGE_NAME;

static void vreport(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

int cli_bad_option(int c, char **argv)
{
	if (c == ':')
		cli_usage_error("option '%s' needs a value", argv[optind - 1]);
	else
		cli_usage_error("unknown option '%s'", argv[optind - 1]);
	return EXIT_USAGE;
}
