/* fmt.c - the number and duration formatters of the tables and reports
 * (bench/util/fmt.c): units chosen after rounding, so that a value just under a
 * unit boundary prints as 1 of the next unit, never in exponent form. */
#include <string.h>

#include "../lib/tap.h"
#include "fmt.h"

typedef const char *(*fmt_fn)(double, char *, size_t);

static void want(fmt_fn f, const char *name, double v, const char *expect)
{
	char buf[64];
	f(v, buf, sizeof(buf));
	ok(strcmp(buf, expect) == 0, "%s(%.10g) = \"%s\" (got \"%s\")", name, v, expect, buf);
}

int main(void)
{
	/* the boundaries that printed "1e+03k" and "1e+03us" */
	want(fmt_si_short, "fmt_si_short", 999999, "1M");
	want(fmt_si_short, "fmt_si_short", 999.7, "1k");
	want(fmt_si_short, "fmt_si_short", 999499999, "999M");
	want(fmt_si_short, "fmt_si_short", 999999999999, "1e+03G");
	want(fmt_dur_short, "fmt_dur_short", 999999, "1ms");
	want(fmt_dur_short, "fmt_dur_short", 999.7, "1us");
	want(fmt_dur_short, "fmt_dur_short", 999999999, "1s");
	want(fmt_dur, "fmt_dur", 999999.9, "1.0 ms");
	want(fmt_dur, "fmt_dur", 999.97, "1.0 us");
	/* unchanged elsewhere */
	want(fmt_si_short, "fmt_si_short", 12345, "12.3k");
	want(fmt_si_short, "fmt_si_short", 1.5e6, "1.5M");
	want(fmt_si_short, "fmt_si_short", 42, "42");
	want(fmt_dur_short, "fmt_dur_short", 59.4, "59ns");
	want(fmt_dur_short, "fmt_dur_short", 1030, "1.03us");
	want(fmt_dur, "fmt_dur", 1500, "1.5 us");
	want(fmt_dur, "fmt_dur", 2.5e9, "2.500 s");
	want(fmt_si_short, "fmt_si_short", 0.0 / 0.0, "-");
	return done_testing();
}
