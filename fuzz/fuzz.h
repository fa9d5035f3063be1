/*
 * fuzz.h - the entry point every fuzz target defines (libFuzzer's), and the
 * check that turns a broken invariant into a crash the fuzzer reports.
 *
 * Each target is built two ways: with clang -fsanitize=fuzzer by
 * `make fuzz-smoke` (libFuzzer supplies main), and with fuzz/replay.c as
 * main by `make check`, which runs the committed seed corpus and every
 * crash input ever found (fuzz/regressions/TARGET/) through the target, so a
 * fixed bug stays fixed with any compiler.
 */
#ifndef CONTEND_FUZZ_H
#define CONTEND_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name: its corpus is fuzz/corpus-NAME, its crash inputs
 * fuzz/regressions/NAME. */
extern const char fuzz_target_name[];

/* abort() is what libFuzzer and the replay driver both report as a crash. */
#define FUZZ_CHECK(cond, ...)                                                   \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s: invariant broken: %s: ",           \
				fuzz_target_name, #cond);                       \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

#endif
