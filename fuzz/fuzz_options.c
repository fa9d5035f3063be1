/*
 * fuzz_options.c - fuzz target for the option-value parsers of the command
 * line (bench/util/parse.h): parse_unsigned, parse_thread_list, parse_time,
 * parse_time_list.
 *
 * Input: 4 bytes of parameters, then the option value (up to the first NUL).
 *   byte 0: bits 0-1 which parser; bit 2 allow_zero (parse_time);
 *           bit 3 default unit "s" instead of "ns" (parse_time);
 *           bit 4 max = ULONG_MAX (parse_unsigned)
 *   byte 1: ncpus - 1 (thread lists), min (parse_unsigned)
 *   bytes 2-3: max (big-endian; thread lists take it modulo 4096, plus 1)
 *
 * Beyond "does not crash": every failure must leave a message that starts
 * with the option's name; thread lists are compared with an independent
 * reference parser of the grammar N | A-B | Nx (saturating arithmetic, so
 * that overflow cannot make a huge number look small); parse_unsigned with
 * a reference too; every accepted time must be finite and >= 0.
 */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

const char fuzz_target_name[] = "options";

#define OPT "--opt"

static void check_message(int rc, const char *err)
{
	if (rc == 0)
		return;
	FUZZ_CHECK(rc == -1, "returned %d", rc);
	FUZZ_CHECK(strncmp(err, OPT ":", strlen(OPT ":")) == 0,
		   "message does not start with the option: '%s'", err);
}

/* Decimal digits at *s; false on overflow of unsigned long. */
static bool ref_number(const char **s, unsigned long *out)
{
	unsigned long v = 0;
	if (**s < '0' || **s > '9')
		return false;
	for (; **s >= '0' && **s <= '9'; (*s)++) {
		unsigned d = (unsigned)(**s - '0');
		if (v > (ULONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool ref_unsigned(const char *s, unsigned long min, unsigned long max,
			 unsigned long *out)
{
	if (!ref_number(&s, out) || *s != '\0')
		return false;
	return *out >= min && *out <= max;
}

/* The reference thread list: the values in order of first appearance;
 * returns the count, or -1 when the list is invalid. */
static long ref_thread_list(const char *s, unsigned ncpus, unsigned max, unsigned *vals)
{
	static unsigned char seen[4097];
	long n = 0;

	memset(seen, 0, sizeof(seen));
	for (;;) {
		unsigned long a, b;
		if (!ref_number(&s, &a))
			return -1;
		if (*s == 'x') {
			s++;
			if (a == 0 || a > max / ncpus)
				return -1;
			a *= ncpus;
			b = a;
		} else if (*s == '-') {
			s++;
			if (!ref_number(&s, &b) || b < a)
				return -1;
		} else {
			b = a;
		}
		if (a < 1 || b > max)
			return -1;
		for (unsigned long t = a; t <= b; t++)
			if (!seen[t]) {
				seen[t] = 1;
				vals[n++] = (unsigned)t;
			}
		if (*s == '\0')
			return n;
		if (*s != ',')
			return -1;
		s++;
	}
}

static void fuzz_thread_list(const char *s, unsigned ncpus, unsigned max)
{
	static unsigned ref[4097];
	char err[256] = "";
	unsigned *vals = NULL;
	size_t n = 0;
	int rc = parse_thread_list(OPT, s, ncpus, max, &vals, &n, err, sizeof(err));
	long want = ref_thread_list(s, ncpus, max, ref);

	check_message(rc, err);
	FUZZ_CHECK((rc == 0) == (want >= 0),
		   "'%s' (ncpus %u, max %u): parser %s, reference %s (%s)", s, ncpus, max,
		   rc == 0 ? "accepts" : "rejects", want >= 0 ? "accepts" : "rejects", err);
	if (rc == 0) {
		FUZZ_CHECK(n == (size_t)want, "'%s': %zu values, reference %ld", s, n, want);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(vals[i] == ref[i], "'%s': value %zu is %u, reference %u", s, i,
				   vals[i], ref[i]);
	}
	free(vals);
}

static void fuzz_unsigned(const char *s, unsigned long min, unsigned long max)
{
	char err[256] = "";
	unsigned long v = 0, want = 0;
	int rc = parse_unsigned(OPT, s, min, max, &v, err, sizeof(err));
	bool ok = ref_unsigned(s, min, max, &want);

	check_message(rc, err);
	FUZZ_CHECK((rc == 0) == ok, "'%s' in [%lu, %lu]: parser %s, reference %s", s, min, max,
		   rc == 0 ? "accepts" : "rejects", ok ? "accepts" : "rejects");
	if (rc == 0)
		FUZZ_CHECK(v == want, "'%s': %lu, reference %lu", s, v, want);
}

static void check_time(const char *s, const struct time_value *t, bool allow_zero)
{
	FUZZ_CHECK(isfinite(t->value) && t->value >= 0,
		   "'%s' accepted as %g ns: not a finite non-negative time", s, t->value);
	FUZZ_CHECK(allow_zero || t->value > 0, "'%s' accepted as zero", s);
}

static void fuzz_time(const char *s, bool allow_zero, const char *unit)
{
	char err[256] = "";
	struct time_value t = { 0 };
	int rc = parse_time(OPT, s, unit, allow_zero, &t, err, sizeof(err));

	check_message(rc, err);
	if (rc == 0)
		check_time(s, &t, allow_zero);
}

static void fuzz_time_list(const char *s)
{
	char err[256] = "";
	struct time_value *t = NULL;
	size_t n = 0;
	int rc = parse_time_list(OPT, s, &t, &n, err, sizeof(err));

	check_message(rc, err);
	if (rc == 0) {
		FUZZ_CHECK(n >= 1, "'%s': empty list accepted", s);
		for (size_t i = 0; i < n; i++)
			check_time(s, &t[i], true);
	}
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	unsigned sel = data[0], b1 = data[1], b23 = (unsigned)data[2] << 8 | data[3];
	size_t len = strnlen((const char *)data + 4, size - 4);
	char *s = malloc(len + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data + 4, len);
	s[len] = '\0';

	switch (sel & 3) {
	case 0:
		fuzz_unsigned(s, b1, (sel & 16) ? ULONG_MAX : b23);
		break;
	case 1:
		fuzz_thread_list(s, b1 % 64 + 1, b23 % 4096 + 1);
		break;
	case 2:
		fuzz_time(s, sel & 4, (sel & 8) ? "s" : "ns");
		break;
	case 3:
		fuzz_time_list(s);
		break;
	}
	free(s);
	return 0;
}
