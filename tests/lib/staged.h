/*
 * staged.h - the preamble every staged lock test shares (white box: one
 * lock's source compiled into the test with its schedule points on).
 *
 * A staged test names the lock source it stages and includes this header
 * first:
 *
 *   #define STAGED_LOCK_SOURCE "../../locks/clh.c"
 *   #define STAGED_CRITICAL_SECTION 1      (optional, see below)
 *   #include "../lib/staged.h"
 *
 * The lock source is included here, after LOCK_SCHED_POINTS and
 * LOCK_NO_HOT_LOOP, which it must see. Its path is resolved from this
 * folder (tests/lib/), which lies as deep as tests/locks/, so the same
 * relative path works in either.
 */
#ifndef CONTEND_TESTS_STAGED_H
#define CONTEND_TESTS_STAGED_H

#ifndef STAGED_LOCK_SOURCE
#error "define STAGED_LOCK_SOURCE (the lock's .c file) before including staged.h"
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define LOCK_NO_HOT_LOOP 1
#define LOCK_SCHED_POINTS 1
#include "tap.h"
#include "schedpoint.h"
#include STAGED_LOCK_SOURCE

/* Defined by locks/registry.c in the library, which a staged test does not
 * link: it has its own copy of the lock. Each staged test is one
 * translation unit, so this header defines it once per program. */
_Thread_local struct lock_stats lock_thread_stats;

/* How long a staged step may take before it counts as a hang (a failed
 * case): the steps need micro- to milliseconds. */
#define WATCHDOG_MS 10000

/* With STAGED_CRITICAL_SECTION defined: a critical section that counts the
 * times two threads were inside at once (overlaps, the mutual exclusion
 * check) and bumps a plain counter only the lock orders. Opt-in, so that a
 * test without it has no unused statics. */
#ifdef STAGED_CRITICAL_SECTION
static _Atomic int inside, overlaps;
static volatile long counter; /* plain: only the lock orders it */

static void critical_section(void)
{
	if (atomic_fetch_add(&inside, 1) != 0)
		atomic_fetch_add(&overlaps, 1);
	counter++;
	atomic_fetch_sub(&inside, 1);
}
#endif

#endif
