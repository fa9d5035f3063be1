/*
 * plot_options.c - what plot, report and compare parse and name: the
 * options they share, the --locks list, how a machine is named, and the
 * small helpers of the plotting files (plot_internal.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot_internal.h"

char *plot_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	return s;
}

void *plot_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* ------------------------------------------------------------------------ */
/* Options and names                                                        */

int plot_parse_format(const char *s, enum plot_format *out)
{
	if (strcmp(s, "png") == 0)
		*out = PLOT_PNG;
	else if (strcmp(s, "svg") == 0)
		*out = PLOT_SVG;
	else if (strcmp(s, "pdf") == 0)
		*out = PLOT_PDF;
	else
		return -1;
	return 0;
}

int plot_parse_axis(const char *s, enum plot_axis *out)
{
	if (strcmp(s, "threads") == 0)
		*out = AXIS_THREADS;
	else if (strcmp(s, "cs") == 0)
		*out = AXIS_CS;
	else if (strcmp(s, "ncs") == 0)
		*out = AXIS_NCS;
	else
		return -1;
	return 0;
}

const char *plot_format_ext(enum plot_format f)
{
	return f == PLOT_SVG ? "svg" : f == PLOT_PDF ? "pdf" : "png";
}

const char *plot_axis_name(enum plot_axis x)
{
	return x == AXIS_CS ? "cs" : x == AXIS_NCS ? "ncs" : "threads";
}

void plot_inputs_name(struct plot_input *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		results_machine_label(in[i].file, in[i].label, sizeof(in[i].label));
		snprintf(in[i].legend, sizeof(in[i].legend), "%s", in[i].file->hostname);
	}
	/* Two runs on one machine (before/after a change) share a hostname:
	 * the file name tells them apart. */
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			if (j != i && strcmp(in[i].file->hostname, in[j].file->hostname) == 0)
				dup = true;
		if (dup) {
			const char *base = strrchr(in[i].file->path, '/');
			base = base ? base + 1 : in[i].file->path;
			snprintf(in[i].legend, sizeof(in[i].legend), "%s [%s]",
				 in[i].file->hostname, base);
		}
	}
}

int plot_load_inputs(struct plot_input *in, char *const *paths, size_t n,
		     char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		in[i].file = results_load(paths[i], err, errlen);
		if (!in[i].file) {
			for (size_t j = 0; j < i; j++) {
				results_free(in[j].file);
				in[j].file = NULL;
			}
			return -1;
		}
	}
	plot_inputs_name(in, n);
	return 0;
}

static bool input_has_lock(const struct plot_input *in, size_t nin, const char *lock)
{
	for (size_t i = 0; i < nin; i++)
		for (size_t k = 0; k < in[i].file->npoints; k++)
			if (strcmp(in[i].file->points[k].lock, lock) == 0)
				return true;
	return false;
}

int plot_parse_locks(char *list, const struct plot_input *in, size_t nin,
		     struct plot_request *req, char *err, size_t errlen)
{
	size_t n = 1, k = 0;
	const char **names;
	char *save = NULL, *tok;

	for (const char *s = list; *s; s++)
		n += *s == ',';
	names = xcalloc(n + 1, sizeof(*names));
	/* strtok would skip empty names silently; split by hand. */
	for (tok = list; tok; tok = save) {
		save = strchr(tok, ',');
		if (save)
			*save++ = '\0';
		if (!*tok) {
			seterr(err, errlen, "--locks: empty lock name in the list");
			free(names);
			return -1;
		}
		if (!input_has_lock(in, nin, tok)) {
			seterr(err, errlen, "--locks: no point of lock '%s' in the input files", tok);
			free(names);
			return -1;
		}
		names[k++] = tok;
	}
	req->locks = names;
	req->nlocks = k;
	return 0;
}

int plot_parse_options(int argc, char **argv, const char *usage, bool allow_pdf,
		       struct plot_request *req, const char **outdir, char **locks)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "x", required_argument, NULL, 'x' },
		{ "locks", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:f:x:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': *outdir = optarg; break;
		case 'f':
			if (plot_parse_format(optarg, &req->format) ||
			    (!allow_pdf && req->format == PLOT_PDF)) {
				cli_usage_error("--format: '%s' is not %s", optarg,
						allow_pdf ? "png, svg or pdf" : "svg or png");
				return EXIT_USAGE;
			}
			break;
		case 'x':
			if (plot_parse_axis(optarg, &req->x)) {
				cli_usage_error("--x: '%s' is not threads, cs or ncs", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l': *locks = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv);
		}
	}
	return -1;
}
