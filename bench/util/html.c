/* html.c - see html.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "html.h"

void html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		/* ' too: a name inside a single-quoted attribute must not end it. */
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}
