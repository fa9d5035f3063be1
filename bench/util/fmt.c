/* fmt.c - see fmt.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "fmt.h"

const char *fmt_si(double v, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	size_t i = 0;
	double a = fabs(v);

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	/* 999.7 rounds to "1.00k", not "1000". */
	while (a >= 999.5 && i + 1 < sizeof(suffix) / sizeof(suffix[0])) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	snprintf(buf, len, a >= 100 ? "%.0f%s" : a >= 10 ? "%.1f%s" : "%.2f%s", v, suffix[i]);
	return buf;
}

const char *fmt_num(double v, const char *printf_fmt, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, printf_fmt, v);
	return buf;
}

/* A scale of units, largest first: the first unit whose `from` v is not
 * below is printed as v / from with that unit's conversion; the last unit
 * (from 0) takes everything smaller, unscaled. */
struct unit {
	double from;
	const char *printf_fmt;
};

static const char *scaled(double v, const struct unit *units, bool dash_nonfinite,
			  char *buf, size_t len)
{
	const struct unit *u = units;

	if (dash_nonfinite && !isfinite(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (u->from > 0 && v < u->from)
		u++;
	snprintf(buf, len, u->printf_fmt, u->from > 0 ? v / u->from : v);
	/* Rounded up to 1000 of this unit (999999 as "1e+03k"): one of the
	 * next instead. */
	if (u > units && fabs(strtod(buf, NULL)) >= 1000) {
		u--;
		snprintf(buf, len, u->printf_fmt, v / u->from);
	}
	return buf;
}

const char *fmt_si_short(double v, char *buf, size_t len)
{
	static const struct unit si[] = {
		{ 1e9, "%.3gG" }, { 1e6, "%.3gM" }, { 1e3, "%.3gk" }, { 0, "%.3g" },
	};
	return scaled(v, si, true, buf, len);
}

const char *fmt_dur_short(double ns, char *buf, size_t len)
{
	static const struct unit t[] = {
		{ 1e9, "%.3gs" }, { 1e6, "%.3gms" }, { 1e3, "%.3gus" }, { 0, "%.0fns" },
	};
	return scaled(ns, t, true, buf, len);
}

const char *fmt_dur(double ns, char *buf, size_t len)
{
	static const struct unit t[] = {
		{ 1e9, "%.3f s" }, { 1e6, "%.1f ms" }, { 1e3, "%.1f us" }, { 0, "%.0f ns" },
	};
	return scaled(ns, t, false, buf, len);
}
