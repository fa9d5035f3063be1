/*
 * compare_text.h - what people read of a comparison (analysis/compare.h):
 * the table with NEW/BASE per point, the geometric mean per lock and the
 * verdict counts, and the same as TSV.
 */
#ifndef CONTEND_COMPARE_TEXT_H
#define CONTEND_COMPARE_TEXT_H

#include <stdio.h>

#include "compare.h"

void compare_print_table(FILE *out, const struct comparison *c);
/* compare.tsv at PATH, written atomically; 0, or -1 after an error message. */
int compare_write_tsv(const char *path, const struct comparison *c);

#endif
