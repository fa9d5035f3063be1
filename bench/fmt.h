/*
 * fmt.h - figures for tables and sentences, one place for the report, the
 * plots and compare: SI prefixes and plain numbers, "-" for NaN (a figure
 * that was not measured).
 */
#ifndef CONTEND_FMT_H
#define CONTEND_FMT_H

#include <stddef.h>

/* "4.10M", "12.3k", "998"; "-" for NaN. */
void fmt_si(double v, char *buf, size_t len);
/* printf_fmt applied to v (one double conversion); "-" for NaN. */
void fmt_num(double v, const char *printf_fmt, char *buf, size_t len);

#endif
