/*
 * plot_boundaries.c - the topology boundaries of a chart against threads:
 * a labelled vertical rule between T-1 and T threads wherever the T-th
 * thread is the first on a new package, NUMA node, L3 or SMT sibling under
 * the sweep's pin policy, and at new cores when there are few of them
 * (with one thread per core, every thread is a new core: a rule at each
 * would hide the curves and say nothing). Drawn by common.gp.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "boundaries.h"
#include "plot_internal.h"
#include "reader.h"

/* More core rules than this in the chart's range: none of them is drawn. */
#define MAX_CORE_RULES 8
/* Rules of one chart, at most (the widest kept when over). */
#define MAX_RULES 24

struct rule {
	double x;
	enum boundary_level level;
	char text[160];
};

static void add_rules(struct rule *r, size_t *nr, const struct boundary *b, size_t nb,
		      double xmin, double xmax, const char *who)
{
	size_t cores = 0;

	for (size_t i = 0; i < nb; i++)
		cores += b[i].level == BL_CORE && b[i].threads > xmin && b[i].threads <= xmax;
	for (size_t i = 0; i < nb && *nr < MAX_RULES; i++) {
		char label[64];

		if (b[i].threads <= xmin || b[i].threads > xmax)
			continue;
		if (b[i].level == BL_CORE && (cores > MAX_CORE_RULES || who != NULL))
			continue;
		if (b[i].level == BL_SMT && who != NULL)
			continue;
		boundary_label(&b[i], label, sizeof(label));
		r[*nr].x = (double)b[i].threads - 0.5;
		r[*nr].level = b[i].level;
		snprintf(r[*nr].text, sizeof(r[*nr].text), "%s%s%s (%ld)", who ? who : "",
			 who ? ": " : "", label, b[i].threads);
		(*nr)++;
	}
}

void plot_write_boundaries(FILE *f, const struct plot_ctx *c, const struct series *s,
			   size_t ns, enum dim xd, double xmin, double xmax)
{
	struct rule r[MAX_RULES];
	size_t nr = 0, nin = 0;
	size_t inputs[16];
	struct boundary *first = NULL;
	size_t nfirst = 0;
	bool same = true;

	/* The inputs drawn in this chart, once each. */
	for (size_t i = 0; i < ns && xd == D_THREADS; i++) {
		size_t q = 0;
		while (q < nin && inputs[q] != s[i].input)
			q++;
		if (q == nin && nin < sizeof(inputs) / sizeof(inputs[0]))
			inputs[nin++] = s[i].input;
	}
	/* One machine, or several with the same boundaries: one set of
	 * rules. Machines that differ: each one's package, node and L3
	 * rules, named (core and SMT rules would crowd the chart). */
	for (size_t q = 0; q < nin; q++) {
		size_t nb;
		struct boundary *b = boundaries_read(c->in[inputs[q]].file->root, &nb);
		if (q == 0) {
			first = b;
			nfirst = nb;
		} else {
			same &= boundaries_equal(first, nfirst, b, nb);
			free(b);
		}
	}
	if (nin > 0 && same) {
		add_rules(r, &nr, first, nfirst, xmin, xmax, NULL);
	} else {
		for (size_t q = 0; q < nin; q++) {
			size_t nb;
			struct boundary *b = boundaries_read(c->in[inputs[q]].file->root, &nb);
			add_rules(r, &nr, b, nb, xmin, xmax, c->in[inputs[q]].legend);
			free(b);
		}
	}
	free(first);
	fprintf(f, "n_bound = %zu\n", nr);
	if (nr == 0)
		return;
	fprintf(f, "array bound_x[%zu]\narray bound_level[%zu]\narray bound_text[%zu]\n", nr, nr,
		nr);
	for (size_t i = 0; i < nr; i++) {
		fprintf(f, "bound_x[%zu] = %g; bound_level[%zu] = %d; bound_text[%zu] = ", i + 1,
			r[i].x, i + 1, (int)r[i].level, i + 1);
		plot_gp_string(f, r[i].text);
		fputc('\n', f);
	}
}
