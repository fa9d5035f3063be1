/*
 * cli.h - what every subcommand shares: the program name, usage errors
 * (one line, exit status 2) and fatal errors (exit status 1).
 */
#ifndef CONTEND_CLI_H
#define CONTEND_CLI_H

#include <stdarg.h>

#define EXIT_USAGE 2

/* "contend run" etc.; set by main() before a subcommand runs. */
extern const char *cli_progname;

/* Print "contend SUB: <message>" on stderr and a hint to --help. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "contend SUB: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For getopt_long's ':' (missing value) and '?' (unknown option) returns:
 * print the one-line usage error naming the option; returns EXIT_USAGE. */
int cli_bad_option(int c, char **argv);

#endif
