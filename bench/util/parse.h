/*
 * parse.h - option values of the command line: counts, lists with ranges and
 * multiples of the CPU count, times with units. Every parser writes a
 * one-line message naming the option and the value to err on failure and
 * returns -1; on success it returns 0.
 */
#ifndef CONTEND_PARSE_H
#define CONTEND_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* A time as given: nanoseconds, or TSC cycles (suffix `c`), converted once
 * the TSC is calibrated. */
struct time_value {
	double value;
	bool cycles;
};

/* An unsigned integer in [min, max]. */
int parse_unsigned(const char *opt, const char *s, unsigned long min, unsigned long max,
		   unsigned long *out, char *err, size_t errlen);

/* A thread-count list: "1,2,8", ranges "1-8", multiples of the CPU count
 * "2x" (ncpus CPUs). Entries must be in [1, max]; duplicates are dropped
 * with the first occurrence kept. *out is malloc'ed. */
int parse_thread_list(const char *opt, const char *s, unsigned ncpus, unsigned max,
		      unsigned **out, size_t *n, char *err, size_t errlen);

/* One time: a number with unit ns, us, ms, s or c (cycles); a bare number
 * is in default_unit ("ns" or "s"). Negative values are rejected; zero only
 * when allow_zero. */
int parse_time(const char *opt, const char *s, const char *default_unit, bool allow_zero,
	       struct time_value *out, char *err, size_t errlen);

/* A comma-separated list of times (each as parse_time, zero allowed). */
int parse_time_list(const char *opt, const char *s, struct time_value **out, size_t *n,
		    char *err, size_t errlen);

/* Nanoseconds of a time value, given the TSC rate for cycles. */
double time_value_ns(const struct time_value *t, double tsc_hz);

#endif
