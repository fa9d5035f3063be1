/*
 * report_html.h - the parts of `contend report`'s page that are not the
 * summary or the charts: the key/value tables of meta and
 * config, the table of every point (sortable and filterable by a few lines
 * of inline script that works offline from file://), and the page's style
 * and script.
 */
#ifndef CONTEND_REPORT_HTML_H
#define CONTEND_REPORT_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "html.h"
#include "plotting.h"

/* A table of one top-level member (meta, config, tool) of each input, side
 * by side. */
void report_member_table(FILE *f, const struct plot_input *in, size_t nin, const char *member);
/* The results section: filters, the flags explained, the table. */
void report_results_table(FILE *f, const struct plot_input *in, size_t nin,
		   const struct plot_request *req);

extern const char report_css[];
extern const char report_script[];

/* DIR/index.html of `contend report` at PATH: the page around the charts of
 * SET (report_page.c). 0, or -1 with errno. */
int report_write_page(const char *path, const struct plot_input *in, size_t nin,
		      const struct plot_request *req, const struct chart_set *set);

#endif
