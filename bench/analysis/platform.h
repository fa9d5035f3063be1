/*
 * platform.h - what comparing hardware platforms reads from results files,
 * shared by `contend compare` (compare_platform.c) and `contend report`
 * (report_machines.c, plot_machines.c):
 *  - whether two files come from different machines (the rule below);
 *  - the identity of a machine, item by item (CPU model, cores, SMT, NUMA
 *    nodes, kernel, libc, atomics, virtualisation, governor, cache line);
 *  - a lock's scaling efficiency: throughput at T threads over T x its
 *    1-thread throughput in the same scenario;
 *  - the order of two locks on a machine, called only when their intervals
 *    are apart, and where that order differs between two machines.
 * A scenario is every parameter of a point but the lock and the threads.
 */
#ifndef CONTEND_PLATFORM_H
#define CONTEND_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "reader.h"

/*
 * Different machines: the hardware identity differs, i.e. the CPU model,
 * the architecture (meta.arch.machine) or the topology's shape (packages,
 * NUMA nodes, cores, PUs, SMT). The hostname alone does not decide: twin
 * machines of one model, or containers with generated hostnames on one
 * host, differ run to run the way an A/A pair does, which is what the
 * same-machine rules of compare are for. WHY (may be NULL) gets the first
 * difference, e.g. "CPU model differs".
 */
bool platform_differs(const struct results_file *a, const struct results_file *b,
		      char *why, size_t len);

/* One machine: the same hostname and no hardware difference. What
 * report uses to tell a multi-machine report from runs of one host. */
bool platform_same_machine(const struct results_file *a, const struct results_file *b);

/* One item of a machine's identity, as printed: "-" where the file has
 * null, "(not recorded)" where it lacks the key (older files). */
struct platform_item {
	const char *what;
	char value[2][160];
	bool differs;
};

#define PLATFORM_ITEMS 17

/* The identity items of two files, in print order; returns how many. */
size_t platform_identity(const struct results_file *a, const struct results_file *b,
			 struct platform_item items[PLATFORM_ITEMS]);

/* The point of F with the scenario of LIKE, lock LOCK and THREADS threads;
 * NULL when F has none. */
const struct result_point *platform_find(const struct results_file *f,
					 const struct result_point *like, const char *lock,
					 long threads);
/* Same scenario: every key parameter but lock and threads agrees. */
bool platform_same_scenario(const struct result_point *a, const struct result_point *b);
/* Whether F's point I is the first of its scenario: walking F's points and
 * keeping those visits each scenario once, by its first point. */
bool platform_scenario_first(const struct results_file *f, size_t i);
/* The distinct locks of F in the scenario of LIKE, in order of first
 * appearance, into OUT (room for f->npoints); returns how many. */
size_t platform_scenario_locks(const struct results_file *f, const struct result_point *like,
			       const char **out);
/* "cs=50 ncs=0 pin=compact" (+ permits/nlocks/cs_lines when not 1). */
void platform_scenario_str(const struct result_point *p, char *buf, size_t len);

/* P's throughput over P->threads x the throughput of the same lock's
 * 1-thread point of P's scenario in F; NaN when either is missing, failed
 * or unmeasured. */
double platform_efficiency(const struct results_file *f, const struct result_point *p);

/* +1 when X is faster than Y (X's interval entirely above Y's), -1 when
 * slower, 0 when the intervals overlap, a side failed or has no interval. */
int platform_beats(const struct result_point *x, const struct result_point *y);

/* Where two locks swap places between machines A and B in one scenario:
 * X beats Y on A and loses to it on B at each of THREADS. */
struct platform_flip {
	const char *x, *y;
	const struct result_point *scenario;   /* a point of A in the scenario */
	long threads[16];
	size_t nthreads;
	bool from;    /* flipped at every thread count both files hold from threads[0] up */
};

/* Every flip between A and B, in order of A's points; the caller frees
 * *out. Returns how many (0 with *out NULL when none). */
size_t platform_order_flips(const struct results_file *a, const struct results_file *b,
			    struct platform_flip **out);
/* "ticket beats futex on alpha, loses on beta from 8 threads (cs=50 ncs=0 pin=compact)" */
void platform_flip_text(const struct platform_flip *f, const char *name_a, const char *name_b,
			char *buf, size_t len);

/* The thread counts of F's points in the scenario of LIKE for which the
 * other file G (may be NULL) has a point too, ascending; returns how many. */
size_t platform_threads(const struct results_file *f, const struct results_file *g,
			const struct result_point *like, long *out, size_t max);

/* How compare judges a pair: --mode auto (the rule of platform_differs()),
 * same (the one-machine rules) or platform (two machines). */
enum platform_mode { PLATFORM_MODE_AUTO, PLATFORM_MODE_SAME, PLATFORM_MODE_PLATFORM };

/* "auto", "same" or "platform"; -1 for anything else. */
int platform_parse_mode(const char *s, enum platform_mode *out);
/* Whether to compare BASE and NEW as two platforms: MODE, or with auto the
 * rule of platform_differs(). WHY gets the reason in words ("CPU model
 * differs", "--mode platform", "same CPU model and topology"). */
bool platform_compare_mode(enum platform_mode mode, const struct results_file *base,
			   const struct results_file *new, char *why, size_t len);

#endif
