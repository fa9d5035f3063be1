/*
 * profile_order.c - the lock-order report of `contend profile`: the cycles
 * of the library's lock-order graph (preload/order.c), potential deadlocks,
 * each edge with the stack that first took the second lock while holding
 * the first: named (symbolize.c), on stderr and on the --html page.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"
#include "profile.h"

void profile_symbolise_order(json_t *prof, struct symbolizer *sym)
{
	size_t i, j, k;
	json_t *cyc, *e, *frame;

	json_array_foreach(json_object_get(json_object_get(prof, "lock_order"), "cycles"), i, cyc)
		json_array_foreach(json_object_get(cyc, "edges"), j, e)
			json_array_foreach(json_object_get(e, "frames"), k, frame)
				profile_name_frame(frame, sym);
}

void profile_print_order(json_t *prof, FILE *out)
{
	json_t *lo = json_object_get(prof, "lock_order");
	json_t *cycles = json_object_get(lo, "cycles"), *cyc, *e, *fr;
	size_t i, j, k;
	char label[1024];

	if (json_array_size(cycles) == 0)
		return;
	fprintf(out, "%s: pid %lld: %zu potential deadlock%s (lock-order cycles; each "
		"edge: where the second lock was first taken holding the first):\n",
		cli_progname, (long long)json_integer_value(json_object_get(prof, "pid")),
		json_array_size(cycles), json_array_size(cycles) == 1 ? "" : "s");
	json_array_foreach(cycles, i, cyc) {
		fprintf(out, "  cycle %zu:", i + 1);
		json_array_foreach(json_object_get(cyc, "mutexes"), j, e)
			fprintf(out, " %s ->", json_string_value(e));
		fprintf(out, " %s\n", json_string_value(json_array_get(
					     json_object_get(cyc, "mutexes"), 0)));
		json_array_foreach(json_object_get(cyc, "edges"), j, e) {
			fprintf(out, "    %s held, %s taken at ",
				json_string_value(json_object_get(e, "from")),
				json_string_value(json_object_get(e, "to")));
			json_t *frames = json_object_get(e, "frames");
			if (json_array_size(frames) == 0)
				fprintf(out, "(no stack)\n");
			json_array_foreach(frames, k, fr) {
				profile_frame_label(fr, true, label, sizeof(label));
				fprintf(out, k ? "        < %s\n" : "%s\n", label);
			}
		}
	}
}

void profile_html_order(FILE *f, json_t *prof)
{
	json_t *cycles = json_object_get(json_object_get(prof, "lock_order"), "cycles");
	json_t *cyc, *e, *fr;
	size_t i, j, k;
	char label[1024];

	if (json_array_size(cycles) == 0)
		return;
	fprintf(f, "<h3>Potential deadlocks: %zu lock-order cycle%s</h3>\n<ol class=\"order\">\n",
		json_array_size(cycles), json_array_size(cycles) == 1 ? "" : "s");
	json_array_foreach(cycles, i, cyc) {
		fputs("<li>", f);
		json_array_foreach(json_object_get(cyc, "mutexes"), j, e) {
			html_escape(f, json_string_value(e));
			fputs(" &rarr; ", f);
		}
		html_escape(f, json_string_value(json_array_get(json_object_get(cyc, "mutexes"), 0)));
		fputs("<ul>\n", f);
		json_array_foreach(json_object_get(cyc, "edges"), j, e) {
			fputs("<li>", f);
			html_escape(f, json_string_value(json_object_get(e, "from")));
			fputs(" held, ", f);
			html_escape(f, json_string_value(json_object_get(e, "to")));
			fputs(" taken at:<pre>", f);
			json_array_foreach(json_object_get(e, "frames"), k, fr) {
				profile_frame_label(fr, true, label, sizeof(label));
				fputs(k ? "\n  &lt; " : "", f);
				html_escape(f, label);
			}
			fputs("</pre></li>\n", f);
		}
		fputs("</ul></li>\n", f);
	}
	fputs("</ol>\n", f);
}
