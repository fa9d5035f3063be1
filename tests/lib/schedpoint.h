/*
 * schedpoint.h - the test side of the lock code's schedule points
 * (locks/schedpoint.h): stop one thread at a named point, run the others,
 * let it go.
 *
 *   sched_tag(n)                    the calling thread's tag (0 = none)
 *   sched_arm("point", tag)         the next time the thread tagged tag
 *                                   reaches "point", it stops there
 *   sched_reached("point", tag, ms) wait until it stopped there; false
 *                                   after ms milliseconds (the point was
 *                                   never reached: a failed case, not a
 *                                   hang)
 *   sched_release("point", tag)     let it go on
 *   sched_join(thread, ms)          pthread_join with a watchdog: false if
 *                                   the thread is still running after ms
 *                                   (hung: the test reports it and exits
 *                                   without joining)
 *
 * A thread stops only at an armed point, once per arming. Threads that are
 * not stopped run freely; the test orders their steps by waiting for what
 * they publish (a lock word, a stage counter), never by sleeping for a
 * guessed time.
 */
#ifndef CONTEND_TESTS_SCHEDPOINT_H
#define CONTEND_TESTS_SCHEDPOINT_H

#include <pthread.h>
#include <stdbool.h>

void sched_tag(int tag);
void sched_arm(const char *point, int tag);
bool sched_reached(const char *point, int tag, int ms);
void sched_release(const char *point, int tag);
bool sched_join(pthread_t thread, int ms);
/* Wait up to ms milliseconds for cond(arg) to hold; false on timeout. */
bool sched_until(bool (*cond)(void *), void *arg, int ms);

#endif
