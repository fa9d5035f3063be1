/*
 * schedpoint.h - named schedule points inside the lock code, so that a test
 * can build a rare interleaving on purpose instead of hoping for it.
 *
 * LOCK_SCHED_POINT("lock.where") marks a place where a thread may be
 * preempted and another thread's steps matter (between a load and the
 * store that relies on it, between a claim and its give-back). In the
 * normal build it is nothing: no call, no load, no barrier (the objects of
 * the locks are the same with or without the points). A white-box test
 * defines LOCK_SCHED_POINTS before it includes a lock's .c file and links
 * tests/lib/schedpoint.c, whose lock_sched_point() stops the thread the
 * test chose at the named point until the test has run the other threads'
 * steps and lets it go (tests/lib/schedpoint.h).
 *
 * What a staged schedule proves: that this one interleaving, which the
 * point names, is handled (the test fails on the code before its fix). It
 * proves nothing about the interleavings nobody staged; the spin models
 * (models/) search those for the protocol, not for the C code.
 */
#ifndef CONTEND_SCHEDPOINT_H
#define CONTEND_SCHEDPOINT_H

#ifdef LOCK_SCHED_POINTS
void lock_sched_point(const char *name);
#define LOCK_SCHED_POINT(name) lock_sched_point(name)
#else
#define LOCK_SCHED_POINT(name) ((void)0)
#endif

#endif
