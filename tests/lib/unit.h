/*
 * unit.h - what the C unit tests share: CHECK() counts and prints a failed
 * condition with its location, status() says whether the checks since the
 * last summary line passed. One test program = one translation unit, so the
 * counters are static here.
 */
#ifndef CONTEND_TESTS_UNIT_H
#define CONTEND_TESTS_UNIT_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			failures++;                                          \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);          \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
		}                                                            \
	} while (0)

/* "ok" for a summary line only if no check failed since the previous one. */
static int failures_reported;
static inline const char *status(void)
{
	const char *s = failures == failures_reported ? "ok  " : "FAIL";
	failures_reported = failures;
	return s;
}

#endif
