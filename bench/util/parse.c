/* parse.c - see parse.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_unsigned(const char *opt, const char *s, unsigned long min, unsigned long max,
		   unsigned long *out, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (s == NULL || !isdigit((unsigned char)s[0]))
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0')
		goto bad;
	if (v < min || v > max) {
		snprintf(err, errlen, "%s: '%s' is out of range (%lu-%lu)", opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "%s: '%s' is not a non-negative integer", opt, s ? s : "");
	return -1;
}

/* One list entry of a thread list: N, A-B or Nx. */
static int thread_entry(const char *opt, const char *tok, unsigned ncpus, unsigned max,
			unsigned *lo, unsigned *hi, char *err, size_t errlen)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)tok[0]))
		goto bad;
	errno = 0;
	a = strtoul(tok, &end, 10);
	if (errno)
		goto bad;
	if (*end == 'x' && end[1] == '\0') {
		if (a == 0) {
			snprintf(err, errlen, "%s: '%s' must be a positive multiple", opt, tok);
			return -1;
		}
		/* Checked before a * ncpus can wrap around to a small count. */
		if (ncpus > 0 && a > max / ncpus) {
			snprintf(err, errlen, "%s: '%s' is out of range (1-%u threads)", opt,
				 tok, max);
			return -1;
		}
		a *= ncpus;
		b = a;
	} else if (*end == '-') {
		const char *second = end + 1;
		if (!isdigit((unsigned char)second[0]))
			goto bad;
		b = strtoul(second, &end, 10);
		if (errno || *end != '\0')
			goto bad;
		if (b < a) {
			snprintf(err, errlen, "%s: range '%s' runs backwards", opt, tok);
			return -1;
		}
	} else if (*end == '\0') {
		b = a;
	} else {
		goto bad;
	}
	if (a < 1 || b > max) {
		snprintf(err, errlen, "%s: '%s' is out of range (1-%u threads)", opt, tok, max);
		return -1;
	}
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
bad:
	snprintf(err, errlen, "%s: '%s' is not a thread count (N, A-B or Nx)", opt, tok);
	return -1;
}

/*
 * The comma-separated list S of option OPT: EACH(tok, arg) for every entry,
 * in order. An empty list or entry (",", "a,,b", "a,") is an error, as is
 * an entry EACH rejects (it sets ERR); 0 when all were taken.
 */
static int for_each_entry(const char *opt, const char *s,
			  int (*each)(const char *tok, void *arg, char *err, size_t errlen),
			  void *arg, char *err, size_t errlen)
{
	char *copy = strdup(s ? s : ""), *save = NULL, *tok;
	int rc = -1;

	if (copy == NULL) {
		snprintf(err, errlen, "%s: out of memory", opt);
		return -1;
	}
	if (copy[0] == '\0' || copy[0] == ',' || copy[strlen(copy) - 1] == ',' ||
	    strstr(copy, ",,")) {
		snprintf(err, errlen, "%s: '%s' has an empty entry", opt, s ? s : "");
		goto out;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (each(tok, arg, err, errlen) != 0)
			goto out;
	rc = 0;
out:
	free(copy);
	return rc;
}

struct thread_list {
	const char *opt;
	unsigned ncpus, max;
	unsigned *v;
	size_t count, cap;
};

/* One entry of a thread list: its counts, each once, in order. */
static int thread_list_entry(const char *tok, void *arg, char *err, size_t errlen)
{
	struct thread_list *l = arg;
	unsigned lo, hi;

	if (thread_entry(l->opt, tok, l->ncpus, l->max, &lo, &hi, err, errlen) != 0)
		return -1;
	for (unsigned t = lo; t <= hi; t++) {
		bool dup = false;
		for (size_t i = 0; i < l->count; i++)
			dup |= l->v[i] == t;
		if (dup)
			continue;
		if (l->count == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 8;
			unsigned *nv = realloc(l->v, l->cap * sizeof(*l->v));
			if (nv == NULL) {
				snprintf(err, errlen, "%s: out of memory", l->opt);
				return -1;
			}
			l->v = nv;
		}
		l->v[l->count++] = t;
	}
	return 0;
}

int parse_thread_list(const char *opt, const char *s, unsigned ncpus, unsigned max,
		      unsigned **out, size_t *n, char *err, size_t errlen)
{
	struct thread_list l = { .opt = opt, .ncpus = ncpus, .max = max };

	if (for_each_entry(opt, s, thread_list_entry, &l, err, errlen) != 0) {
		free(l.v);
		return -1;
	}
	*out = l.v;
	*n = l.count;
	return 0;
}

int parse_time(const char *opt, const char *s, const char *default_unit, bool allow_zero,
	       struct time_value *out, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "c", 1 } };
	char *end;
	double v;
	const char *unit;

	if (s == NULL || s[0] == '\0' || (!isdigit((unsigned char)s[0]) && s[0] != '.')) {
		if (s && s[0] == '-')
			snprintf(err, errlen, "%s: '%s' is negative", opt, s);
		else
			snprintf(err, errlen, "%s: '%s' is not a time (e.g. 100ns, 2us, 1s, 500c)",
				 opt, s ? s : "");
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v)) {
		snprintf(err, errlen, "%s: '%s' is not a time (e.g. 100ns, 2us, 1s, 500c)", opt, s);
		return -1;
	}
	unit = *end ? end : default_unit;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(unit, units[i].suffix) != 0)
			continue;
		if (v == 0 && !allow_zero) {
			snprintf(err, errlen, "%s: '%s' must be greater than zero", opt, s);
			return -1;
		}
		/* 1e300s is finite, its nanoseconds are not. */
		if (!isfinite(v * units[i].ns)) {
			snprintf(err, errlen, "%s: '%s' is too large", opt, s);
			return -1;
		}
		out->cycles = strcmp(unit, "c") == 0;
		out->value = v * units[i].ns;
		return 0;
	}
	snprintf(err, errlen, "%s: '%s' has an unknown unit '%s' (ns, us, ms, s or c)", opt, s,
		 unit);
	return -1;
}

struct time_list {
	const char *opt, *s;
	struct time_value *v;
	size_t count;
};

/* One entry of a time list; the array is sized on the first (an entry
 * takes at least two characters of S with its comma). */
static int time_list_entry(const char *tok, void *arg, char *err, size_t errlen)
{
	struct time_list *l = arg;

	if (l->v == NULL) {
		l->v = calloc(strlen(l->s) / 2 + 1, sizeof(*l->v));
		if (l->v == NULL) {
			snprintf(err, errlen, "%s: out of memory", l->opt);
			return -1;
		}
	}
	if (parse_time(l->opt, tok, "ns", true, &l->v[l->count], err, errlen) != 0)
		return -1;
	l->count++;
	return 0;
}

int parse_time_list(const char *opt, const char *s, struct time_value **out, size_t *n,
		    char *err, size_t errlen)
{
	struct time_list l = { .opt = opt, .s = s };

	if (for_each_entry(opt, s, time_list_entry, &l, err, errlen) != 0) {
		free(l.v);
		return -1;
	}
	*out = l.v;
	*n = l.count;
	return 0;
}

double time_value_ns(const struct time_value *t, double tsc_hz)
{
	return t->cycles ? t->value / tsc_hz * 1e9 : t->value;
}
