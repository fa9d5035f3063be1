/*
 * html.h - the one HTML escaper of contend's pages (the report, the
 * profile's flame page), so that the two cannot disagree on what is safe.
 */
#ifndef CONTEND_HTML_H
#define CONTEND_HTML_H

#include <stdio.h>

/* S on F with <, >, &, " and ' escaped: safe in text and in an attribute
 * quoted either way. NULL writes nothing. */
void html_escape(FILE *f, const char *s);

#endif
