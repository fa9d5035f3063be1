/*
 * compare.h - the verdicts of `contend compare BASE NEW` (compare.c), on
 * the points of two results files as the reader decodes them
 * (struct result_point): per point, NEW/BASE throughput and a verdict that
 * an A/A pair (same build, same machine, twice) does not fail.
 *
 * Why not the confidence intervals alone: they describe the spread within a
 * run, and two runs minutes apart on a VM differ by more than that (the host
 * moves and slows the vCPUs): two identical sweeps here had 5 of 16 points
 * with disjoint intervals, ratios 0.80-0.90. So a verdict needs all of:
 *
 *  1. Same regime. A 2-thread point's repeats fall into placement regimes
 *     (cache-line round trip ~60 ns or ~300 ns here, 3-4x throughput). The
 *     probes of both points are grouped together (stats_repeat_regimes()),
 *     and the comparison uses the shared regime with the most repeats on
 *     both sides, medians and intervals recomputed from those repeats. Two
 *     points that never shared a regime are "not comparable".
 *  2. Same machine speed. On one machine (same hostname and CPU model), when
 *     the point's speed probes (fixed work on its CPUs) differ by more than
 *     COMPARE_MAX_SPEED_SHIFT between the runs, the machine, not the build,
 *     changed: "not comparable".
 *     Likewise when other processes took a different share of the point's
 *     CPUs in the two runs (per_repeat[].foreign_share, medians more than
 *     COMPARE_MAX_FOREIGN_SHIFT apart) or more than COMPARE_MAX_FOREIGN in
 *     either.
 *  3. Enough repeats: both intervals reach COMPARE_MIN_CI_LEVEL (3 repeats),
 *     else "no CI".
 *  4. Disjoint intervals, and a ratio beyond the threshold (default
 *     COMPARE_DEFAULT_THRESHOLD: above the between-run shifts seen in A/A
 *     pairs, well below the 2x a real change must show), widened by the speed
 *     shift the probes saw between the runs.
 *
 * Otherwise "within noise" (overlap does not prove "the same"). A failed
 * point on either side gets "failed", never a ratio.
 */
#ifndef CONTEND_COMPARE_H
#define CONTEND_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "reader.h"

/* The smallest difference called by default, a fraction (see above). */
#define COMPARE_DEFAULT_THRESHOLD 0.30
#define COMPARE_DEFAULT_THRESHOLD_TEXT "30"
/* The confidence both intervals must reach (3 repeats: 75 %). */
#define COMPARE_MIN_CI_LEVEL 0.75
/* Speed probes further apart than this: the machine changed. */
#define COMPARE_MAX_SPEED_SHIFT 1.25
/* Other load on the point's CPUs (median share over its repeats): more than
 * this apart between the runs, or over COMPARE_MAX_FOREIGN in either, and
 * the other processes, not the builds, set the figures. */
#define COMPARE_MAX_FOREIGN_SHIFT 0.25
#define COMPARE_MAX_FOREIGN 0.75

enum compare_verdict { V_FASTER, V_SLOWER, V_NOISE, V_NO_CI, V_FAILED, V_NOT_COMPARABLE, V_COUNT };

/* "faster", "slower", "within noise", ... by verdict. */
extern const char *const compare_verdict_words[];

/* The throughput a side is judged on: the file's summary, or the repeats of
 * one regime. */
struct compare_side {
	double median, low, high, level;
	size_t repeats;
};

struct compare_match {
	const struct result_point *base, *new;
	struct compare_side s[2]; /* BASE, NEW as judged */
	double ratio;          /* NaN when a side failed */
	enum compare_verdict verdict;
	const char *failed_side;
	char note[96];         /* why not comparable, or the regime used */
	const struct results_file *base_file, *new_file;
	double speed_shift;    /* >= 1: speed probes NEW vs BASE (1: not known) */
};

/* Two results files matched point by point (result_point_same_key); the
 * caller sets file, label and threshold, compare_points() the rest. */
struct comparison {
	const struct results_file *file[2]; /* BASE, NEW */
	const char *label[2];  /* how the table names each machine */
	struct compare_match *m;
	size_t nm;
	const struct result_point **only[2];
	size_t nonly[2];
	double threshold;      /* fraction */
};

/* The verdict of one matched pair M (base, new, base_file, new_file set)
 * at THRESHOLD (a fraction); fills M's sides, ratio, note and shift. */
enum compare_verdict compare_judge(struct compare_match *m, double threshold);
/* Match the points of C's two files and judge each pair; exits when out of
 * memory. */
void compare_points(struct comparison *c);

#endif
