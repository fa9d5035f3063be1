/*
 * profile_html.c - `contend profile --html`: one offline page with the top
 * locks of each process and a flame graph of the wait stacks, drawn here as
 * inline SVG.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "html.h"
#include "profile.h"

/* A node of the flame graph: one frame in one calling context. */
struct flame {
	char *name;
	uint64_t value; /* wait in ns under this node */
	struct flame *child, *next;
	size_t kids;
};

static struct flame *flame_child(struct flame *parent, const char *name)
{
	for (struct flame *c = parent->child; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	struct flame *c = calloc(1, sizeof(*c));
	if (c == NULL || (c->name = strdup(name)) == NULL) {
		free(c);
		return NULL;
	}
	c->next = parent->child;
	parent->child = c;
	parent->kids++;
	return c;
}

static void flame_add_profile(struct flame *root, json_t *prof)
{
	json_t *m, *site;
	size_t i, j;
	const char *prog = json_string_value(json_object_get(prof, "program"));

	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			uint64_t w = (uint64_t)json_integer_value(json_object_get(site, "wait_ns"));
			json_t *frames = json_object_get(site, "frames");
			char label[1024];
			struct flame *n = flame_child(root, prog ? profile_base_of(prog) : "?");
			root->value += w;
			if (n != NULL)
				n->value += w;
			for (size_t k = json_array_size(frames); n != NULL && k-- > 0;) {
				profile_frame_label(json_array_get(frames, k), false, label, sizeof(label));
				if ((n = flame_child(n, label)) != NULL)
					n->value += w;
			}
			snprintf(label, sizeof(label), "%s@%s",
				 profile_wait_call(json_string_value(json_object_get(site, "kind"))),
				 json_string_value(json_object_get(m, "address")));
			if (n != NULL && (n = flame_child(n, label)) != NULL)
				n->value += w;
		}
	}
}

static int flame_depth(const struct flame *f)
{
	int d = 0;
	for (const struct flame *c = f->child; c; c = c->next) {
		int k = flame_depth(c);
		if (k > d)
			d = k;
	}
	return d + 1;
}

static void flame_free(struct flame *f)
{
	for (struct flame *c = f->child, *next; c; c = next) {
		next = c->next;
		flame_free(c);
		free(c->name);
		free(c);
	}
}

#define FLAME_W 1200.0
#define FLAME_ROW 18

/* One rectangle per node, children side by side above their parent (the
 * root at the bottom), widths in proportion to the wait; a <title> gives
 * the full name and figures on hover. Returns the rectangles drawn. */
static size_t flame_draw(FILE *f, const struct flame *n, double x, int depth, int height,
			 uint64_t total)
{
	double w = total ? FLAME_W * (double)n->value / (double)total : 0;
	size_t drawn = 0;
	if (w < 0.1)
		return 0; /* too narrow to see */
	unsigned h = 0;
	for (const char *c = n->name; *c; c++)
		h = h * 31 + (unsigned char)*c;
	int y = height - (depth + 1) * FLAME_ROW;
	char wait[32];
	fmt_dur((double)n->value, wait, sizeof(wait));
	fprintf(f, "<g class=\"frame\"><title>");
	html_escape(f, n->name);
	fprintf(f, " (%s, %.1f%%)</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
		"height=\"%d\" fill=\"hsl(%u,75%%,%u%%)\"/>",
		wait, total ? 100.0 * (double)n->value / (double)total : 0.0, x, y, w,
		FLAME_ROW - 1, h % 50, 55 + h % 15);
	if (w > 30) { /* a label where it fits, cut to the width (7 px a char) */
		size_t room = (size_t)(w / 7) - 1, len = strlen(n->name);
		char text[512];
		snprintf(text, sizeof(text), "%.*s%s", (int)(len > room ? room - 2 : len),
			 n->name, len > room ? ".." : "");
		fprintf(f, "<text x=\"%.2f\" y=\"%d\">", x + 3, y + FLAME_ROW - 5);
		html_escape(f, text);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
	drawn++;
	/* Children by name: the same stacks land in the same place each run. */
	const struct flame *kids[4096];
	size_t nk = 0;
	for (const struct flame *c = n->child; c && nk < 4096; c = c->next)
		kids[nk++] = c;
	for (size_t i = 1; i < nk; i++)
		for (size_t j = i; j > 0 && strcmp(kids[j]->name, kids[j - 1]->name) < 0; j--) {
			const struct flame *t = kids[j];
			kids[j] = kids[j - 1];
			kids[j - 1] = t;
		}
	for (size_t i = 0; i < nk; i++) {
		drawn += flame_draw(f, kids[i], x, depth + 1, height, total);
		x += total ? FLAME_W * (double)kids[i]->value / (double)total : 0;
	}
	return drawn;
}

int profile_write_html(FILE *f, void *arg)
{
	struct profile_set *c = arg;
	struct flame root = { .name = "all" };

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>contend profile</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
	      "table{border-collapse:collapse;margin-bottom:1.5em}\n"
	      "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
	      "td.l,th.l{text-align:left}\n"

	      "</style></head>\n<body>\n", f);
	for (size_t i = 0; i < c->n; i++) {
		json_t *p = c->profs[i], *tot = json_object_get(p, "totals"), *m;
		char wait[32], el[32];
		fmt_dur((double)json_integer_value(json_object_get(tot, "wait_ns")), wait,
			sizeof(wait));
		fmt_dur((double)json_integer_value(json_object_get(p, "elapsed_ns")), el,
			sizeof(el));
		fputs("<h2>", f);
		html_escape(f, json_string_value(json_object_get(p, "program")));
		fprintf(f, " (pid %lld)</h2>\n<p>%lld locks, %lld acquisitions, %lld contended, "
			"%s waited in %s",
			(long long)json_integer_value(json_object_get(p, "pid")),
			(long long)json_integer_value(json_object_get(tot, "mutexes")),
			(long long)json_integer_value(json_object_get(tot, "acquisitions")),
			(long long)json_integer_value(json_object_get(tot, "contended")), wait, el);
		json_t *rt = json_object_get(tot, "cond_retake_wait_ns");
		if (json_is_integer(rt)) {
			fmt_dur((double)json_integer_value(rt), wait, sizeof(wait));
			fprintf(f, " (+ %s re-taking mutexes after condition waits)", wait);
		}
		fputs(".</p>\n<table><tr><th>rank</th><th>wait</th><th>contended</th>"
		      "<th>acquired</th><th class=\"l\">kind/impl</th><th class=\"l\">lock</th>"
		      "<th class=\"l\">top waiting site</th></tr>\n", f);
		size_t j;
		json_array_foreach(json_object_get(p, "mutexes"), j, m) {
			if ((int)j >= c->top)
				break;
			json_t *w = json_object_get(m, "wait_ns");
			json_t *s0 = json_array_get(json_object_get(m, "wait_sites"), 0);
			char site[1024] = "-";
			if (s0 != NULL && json_array_size(json_object_get(s0, "frames")) > 0)
				profile_frame_label(json_array_get(json_object_get(s0, "frames"), 0), true,
					    site, sizeof(site));
			fmt_dur((double)json_integer_value(json_object_get(w, "total")), wait,
				sizeof(wait));
			fprintf(f, "<tr><td>%zu</td><td>%s</td><td>%lld</td><td>%lld</td><td class=\"l\">",
				j + 1, wait,
				(long long)json_integer_value(json_object_get(m, "contended")),
				(long long)json_integer_value(json_object_get(m, "acquisitions")));
			html_escape(f, json_string_value(json_object_get(m, "kind")));
			fputs("/", f);
			html_escape(f, json_string_value(json_object_get(m, "implementation")));
			fputs("</td><td class=\"l\">", f);
			html_escape(f, json_string_value(json_object_get(m, "address")));
			fputs("</td><td class=\"l\">", f);
			html_escape(f, site);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
		profile_html_order(f, p);
		flame_add_profile(&root, p);
	}
	int depth = flame_depth(&root);
	int height = depth * FLAME_ROW + 4;
	fputs("<h2>Where threads waited</h2>\n<p>A flame graph of the wait stacks: width is "
	      "wait time, the outermost frame at the bottom, the lock call on top. Hover "
	      "for names and figures.</p>\n", f);
	/* The SVG carries its own style, so that it can be cut out of the
	 * page and shown alone. */
	fprintf(f, "<svg id=\"flame\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%d\" viewBox=\"0 0 %.0f %d\">\n<style>text{font:12px monospace;"
		"pointer-events:none}g.frame:hover rect{stroke:#000;stroke-width:1}</style>\n",
		FLAME_W, height, FLAME_W, height);
	size_t rects = root.value ? flame_draw(f, &root, 0, 0, height, root.value) : 0;
	if (rects == 0)
		fprintf(f, "<text x=\"10\" y=\"20\">no thread waited</text>\n");
	fputs("</svg>\n", f);
	/* For the browser test: what the page drew, counted by the browser. */
	fprintf(f, "<script>\ndocument.addEventListener('DOMContentLoaded', function () {\n"
		"  var svg = document.getElementById('flame'), b = svg.getBBox();\n"
		"  document.body.setAttribute('data-frames', svg.querySelectorAll('rect').length);\n"
		"  document.body.setAttribute('data-flame-width', Math.round(b.width));\n"
		"});\n</script>\n<!-- %zu frames drawn -->\n</body></html>\n", rects);
	flame_free(&root);
	return ferror(f) ? -1 : 0;
}
