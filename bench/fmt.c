/* fmt.c - see fmt.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>

#include "fmt.h"

void fmt_si(double v, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	size_t i = 0;
	double a = fabs(v);

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	/* 999.7 rounds to "1.00k", not "1000". */
	while (a >= 999.5 && i + 1 < sizeof(suffix) / sizeof(suffix[0])) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	snprintf(buf, len, a >= 100 ? "%.0f%s" : a >= 10 ? "%.1f%s" : "%.2f%s", v, suffix[i]);
}

void fmt_num(double v, const char *printf_fmt, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, printf_fmt, v);
}