/*
 * plot_session.c - what plot and report do before their first chart, once:
 * load the files, apply --locks, find gnuplot and the templates, and only
 * then stage the output directory (see plotting.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plotting.h"

int plot_session_open(struct plot_session *ps, char *const *paths, size_t n, char *locks,
		      struct plot_request *req, const char *outdir)
{
	char err[PATH_MAX + 256], path[PATH_MAX];

	memset(ps, 0, sizeof(*ps));
	ps->in = calloc(n, sizeof(*ps->in));
	if (!ps->in) {
		cli_error("out of memory");
		return 1;
	}
	ps->nin = n;
	if (plot_load_inputs(ps->in, paths, n, err, sizeof(err))) {
		cli_error("%s", err);
		return 1;
	}
	if (locks && plot_parse_locks(locks, ps->in, n, req, err, sizeof(err))) {
		cli_usage_error("%s", err);
		return EXIT_USAGE;
	}
	/* Before any directory appears: is there something to draw with? */
	if (plot_find_gnuplot(path, sizeof(path), err, sizeof(err)) ||
	    plot_find_templates(path, sizeof(path), err, sizeof(err)) ||
	    staged_dir_begin(&ps->sd, outdir, err, sizeof(err))) {
		cli_error("%s", err);
		return 1;
	}
	ps->staged = true;
	return 0;
}

void plot_session_close(struct plot_session *ps)
{
	if (ps->staged)
		staged_dir_abort(&ps->sd); /* after a commit: frees the names only */
	plot_chart_set_free(&ps->set);
	for (size_t i = 0; ps->in && i < ps->nin; i++)
		results_free(ps->in[i].file);
	free(ps->in);
	memset(ps, 0, sizeof(*ps));
}
