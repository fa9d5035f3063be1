/*
 * selfexec.h - run this test program again in a child process, in another
 * mode and with one environment variable changed, and keep what the child
 * wrote on stderr. The expected-failure tests use it: a sanitizer aborts the
 * process that it catches, so the catching has to happen in a child.
 */
#ifndef CONTEND_TESTS_SELFEXEC_H
#define CONTEND_TESTS_SELFEXEC_H

#include <stddef.h>

/*
 * Run /proc/self/exe MODE with NAME=VALUE added to the environment (VALUE
 * appended after a space to an existing NAME, so that later sanitizer
 * options win over earlier ones). The child's stderr goes to stderr_text
 * (NUL-terminated, cut to len - 1 bytes); its stdout is passed through.
 * Returns the exit status, 128 + N for a child killed by signal N, or -1
 * if the child could not be started (message printed).
 */
int selfexec_run(const char *mode, const char *name, const char *value,
		 char *stderr_text, size_t len);

#endif
