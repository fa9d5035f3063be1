/*
 * compare_platform.h - `contend compare` across two machines (platform
 * mode). On one machine, compare's A/A rules (shared placement regime, same
 * machine speed and load) keep a rerun from being called a change. Across
 * machines the regimes and speeds differ by nature: that difference is the
 * comparison. So in platform mode a verdict comes from each side's own
 * interval and the minimum effect (--threshold) alone, and the table is
 * framed by what a platform comparison is read for: the identity
 * differences first, then each lock's scaling efficiency on each machine and
 * where the order of the locks differs (platform.h).
 */
#ifndef CONTEND_COMPARE_PLATFORM_H
#define CONTEND_COMPARE_PLATFORM_H

#include <stdbool.h>
#include <stdio.h>

#include "reader.h"

/* Platform mode, before the table: the identity items that differ, then
 * the ones both share on one line. */
void compare_platform_identity(FILE *out, const struct results_file *const f[2]);
/* Platform mode, after the table: scaling efficiency per lock and
 * scenario, the order of the locks per scenario and thread count on each
 * machine, and the order changes. */
void compare_platform_summary(FILE *out, const struct results_file *const f[2]);

/* compare.tsv's platform columns, appended after the existing ones (in
 * both modes: they are defined for any pair): mode, base_efficiency,
 * new_efficiency, base_rank, new_rank. */
void compare_platform_tsv_head(FILE *f);
void compare_platform_tsv_row(FILE *out, const struct results_file *const f[2], bool platform,
			      const struct result_point *base, const struct result_point *new);

#endif
