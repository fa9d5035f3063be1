/*
 * fmt.h - figures for tables and sentences, one place for every command:
 * SI prefixes, durations and plain numbers, "-" for a figure that was not
 * measured. Each style below is what one kind of output has always printed;
 * they differ on purpose (column widths, precision) and tests and users'
 * scripts read them, so a caller picks its style rather than sharing one.
 */
#ifndef CONTEND_FMT_H
#define CONTEND_FMT_H

#include <stddef.h>

/* Each returns buf. */

/* Reports, plots, compare: "4.10M", "12.3k", "998"; "-" for NaN. */
const char *fmt_si(double v, char *buf, size_t len);
/* printf_fmt applied to v (one double conversion); "-" for NaN. */
const char *fmt_num(double v, const char *printf_fmt, char *buf, size_t len);

/* contend run's table, three significant digits: "12.3M", "4.1k", "998";
 * "-" for NaN or infinity. */
const char *fmt_si_short(double v, char *buf, size_t len);
/* contend run's table, a time in ns: "12.3ms", "4.1us", "250ns"; "-" for
 * NaN or infinity. */
const char *fmt_dur_short(double ns, char *buf, size_t len);
/* contend profile's tables, a time in ns: "1.2 ms", "3.4 us", "250 ns",
 * "1.234 s". */
const char *fmt_dur(double ns, char *buf, size_t len);

#endif
