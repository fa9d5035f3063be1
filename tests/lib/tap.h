/*
 * tap.h - the Test Anything Protocol for the C tests (automake's tap-driver
 * reads it: `make check` then names each failing case in the test's .log).
 *
 *   ok(cond, "name %s", ...)   one case: "ok N - name" or "not ok N - name"
 *   CHECK(cond, "what", ...)   one check inside a case: a failed one prints
 *                              "# FAIL file:line: what" and fails the case
 *   case_done("name", ...)     closes the case the CHECKs since the last
 *                              case_done() belong to: ok when none failed
 *   skip("why", "name", ...)   a case not run: "ok N - name # SKIP why"
 *   skip_all("why", ...)       the whole test not run: "1..0 # SKIP why"
 *   diag("...", ...)           a comment line "# ..." (the log only)
 *   bail_out("why", ...)       a setup error: "Bail out! why", exit 1
 *   return done_testing();     the plan "1..N" after the cases; 1 when a case
 *                              failed (or none ran), 0 otherwise
 *
 * The plan comes last, so a test that dies half way has none and the driver
 * reports it as an error. The state is static: one test program is one
 * translation unit that speaks TAP (its helpers may call diag() only).
 * Output is flushed line by line, so forked children and crashes lose none.
 */
#ifndef CONTEND_TESTS_TAP_H
#define CONTEND_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_UNUSED __attribute__((unused))
static unsigned tap_cases TAP_UNUSED;          /* ok/not ok lines printed */
static unsigned tap_failed_cases TAP_UNUSED;   /* of which "not ok" */
static unsigned tap_check_failures TAP_UNUSED; /* CHECKs failed since the last case_done() */
static unsigned failures TAP_UNUSED;           /* CHECKs failed in all */

__attribute__((format(printf, 3, 0)))
static inline void tap_line(const char *result, const char *directive, const char *fmt, va_list ap)
{
	char name[512];
	vsnprintf(name, sizeof(name), fmt, ap);
	/* A '#' would start a directive: the name must not hold one. */
	for (char *p = name; *p; p++)
		if (*p == '#' || *p == '\n')
			*p = *p == '#' ? '%' : ' ';
	printf("%s %u - %s%s\n", result, ++tap_cases, name, directive);
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_line(cond ? "ok" : "not ok", "", fmt, ap);
	va_end(ap);
	if (!cond)
		tap_failed_cases++;
	return cond;
}

__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
	char small[1024], *msg = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	/* Long messages (a sanitizer's report) whole. */
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	} else if (msg == NULL) {
		msg = small;
	}
	/* One "# " per line, so that no line of it reads as a result. */
	for (char *line = msg, *nl; line != NULL; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		if (nl == NULL && *line == '\0' && line != msg)
			break;
		printf("# %s\n", line);
	}
	if (msg != small)
		free(msg);
	fflush(stdout);
}

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			tap_check_failures++;                                \
			failures++;                                          \
			printf("# FAIL %s:%d: ", __FILE__, __LINE__);        \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
			fflush(stdout);                                      \
		}                                                            \
	} while (0)

__attribute__((format(printf, 1, 2)))
static inline int case_done(const char *fmt, ...)
{
	int cond = tap_check_failures == 0;
	va_list ap;
	va_start(ap, fmt);
	tap_line(cond ? "ok" : "not ok", "", fmt, ap);
	va_end(ap);
	if (!cond)
		tap_failed_cases++;
	tap_check_failures = 0;
	return cond;
}

__attribute__((format(printf, 2, 3)))
static inline void skip(const char *why, const char *fmt, ...)
{
	char directive[300];
	va_list ap;
	snprintf(directive, sizeof(directive), " # SKIP %s", why);
	va_start(ap, fmt);
	tap_line("ok", directive, fmt, ap);
	va_end(ap);
}

/* Exit status of a whole-test skip: 0, the plan says it (automake's plain
 * driver wanted 77). */
#ifndef TAP_SKIP_STATUS
#define TAP_SKIP_STATUS 0
#endif

/* Prints PREFIX and the formatted reason as the test's last line and exits
 * with STATUS: the common end of skip_all() and bail_out(). */
__attribute__((format(printf, 3, 0), noreturn))
static inline void tap_end_with(const char *prefix, int status, const char *fmt, va_list ap)
{
	char why[512];
	vsnprintf(why, sizeof(why), fmt, ap);
	printf("%s%s\n", prefix, why);
	fflush(stdout);
	exit(status);
}

__attribute__((format(printf, 1, 2), noreturn))
static inline void skip_all(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_end_with("1..0 # SKIP ", TAP_SKIP_STATUS, fmt, ap);
}

__attribute__((format(printf, 1, 2), noreturn))
static inline void bail_out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_end_with("Bail out! ", 1, fmt, ap);
}

static inline int done_testing(void)
{
	if (tap_check_failures != 0)
		case_done("checks after the last case");
	if (tap_cases == 0) {
		/* A test that checked nothing is not a pass. */
		printf("1..0\n");
		diag("no case ran");
		fflush(stdout);
		return 1;
	}
	printf("1..%u\n", tap_cases);
	if (tap_failed_cases != 0)
		diag("%u of %u cases failed", tap_failed_cases, tap_cases);
	fflush(stdout);
	return tap_failed_cases != 0;
}

#endif
