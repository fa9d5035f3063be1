/*
 * preload_common.h - what the small test programs of `contend profile`
 * share (tests/preload_*.c). They use only pthreads, so that they behave the
 * same with and without the preload library; each checks its own result and
 * exits 1 with a message when something is wrong.
 */
#ifndef CONTEND_PRELOAD_COMMON_H
#define CONTEND_PRELOAD_COMMON_H

/* First, before any system header: _GNU_SOURCE (the _NP initialisers,
 * pthread_cond_clockwait). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                             \
			exit(1);                                              \
		}                                                             \
	} while (0)

/* Runs fn(arg[i]) on n threads and joins them. */
static inline void run_threads(int n, void *(*fn)(void *), void *args, size_t arg_size)
{
	pthread_t t[64];
	CHECK(n > 0 && n <= 64);
	for (int i = 0; i < n; i++)
		CHECK(pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * arg_size) == 0);
	for (int i = 0; i < n; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
}

#endif
