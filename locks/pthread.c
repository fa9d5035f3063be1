/*
 * pthread.c - glibc's own locks as baselines, run through the same
 * interface as ours:
 *   pthread           default mutex (PTHREAD_MUTEX_NORMAL): a futex
 *                     mutex with 0/1/2 states, no spinning
 *   pthread-adaptive  PTHREAD_MUTEX_ADAPTIVE_NP: spins a bounded, learned
 *                     number of times (trylock loop) before sleeping
 *   pthread-spin      pthread_spinlock_t: a test-and-test-and-set spinlock
 * Their internal states are glibc's; none is fair.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>

#include "lock_define.h"

static inline int pthread_mutex_init_type(void *lk, int type)
{
	pthread_mutexattr_t attr;
	int rc = pthread_mutexattr_init(&attr);
	if (rc == 0)
		rc = pthread_mutexattr_settype(&attr, type);
	if (rc == 0)
		rc = pthread_mutex_init(lk, &attr);
	pthread_mutexattr_destroy(&attr);
	return rc;
}

static inline int pthread_init(void *lk, const struct lock_params *p)
{
	return pthread_mutex_init_type(lk, PTHREAD_MUTEX_NORMAL);
}

static inline int pthread_adaptive_init(void *lk, const struct lock_params *p)
{
	return pthread_mutex_init_type(lk, PTHREAD_MUTEX_ADAPTIVE_NP);
}

/* Return codes are checked: an error (EINVAL on a mutex that is not one,
 * EBUSY destroying a held one, EDEADLK, EPERM) fails loudly rather than
 * letting a run go on without mutual exclusion. The message names the call,
 * not which of the two mutex baselines made it (they share the code). */
static inline void pthread_destroy(void *lk)
{
	int rc = pthread_mutex_destroy(lk);
	if (rc != 0)
		lock_fail("pthread", "pthread_mutex_destroy", rc);
}
static inline void pthread_lock(void *lk, void *node)
{
	int rc = pthread_mutex_lock(lk);
	if (rc != 0)
		lock_fail("pthread", "pthread_mutex_lock", rc);
}
static inline bool pthread_trylock(void *lk, void *node)
{
	int rc = pthread_mutex_trylock(lk);
	if (rc != 0 && rc != EBUSY)
		lock_fail("pthread", "pthread_mutex_trylock", rc);
	return rc == 0;
}
static inline void pthread_unlock(void *lk, void *node)
{
	int rc = pthread_mutex_unlock(lk);
	if (rc != 0)
		lock_fail("pthread", "pthread_mutex_unlock", rc);
}

#define pthread_adaptive_destroy pthread_destroy
#define pthread_adaptive_lock pthread_lock
#define pthread_adaptive_trylock pthread_trylock
#define pthread_adaptive_unlock pthread_unlock

static inline int pthreadspin_init(void *lk, const struct lock_params *p)
{
	return pthread_spin_init(lk, PTHREAD_PROCESS_PRIVATE);
}
static inline void pthreadspin_destroy(void *lk)
{
	int rc = pthread_spin_destroy(lk);
	if (rc != 0)
		lock_fail("pthread-spin", "pthread_spin_destroy", rc);
}
static inline void pthreadspin_lock(void *lk, void *node)
{
	int rc = pthread_spin_lock(lk);
	if (rc != 0)
		lock_fail("pthread-spin", "pthread_spin_lock", rc);
}
static inline bool pthreadspin_trylock(void *lk, void *node)
{
	int rc = pthread_spin_trylock(lk);
	if (rc != 0 && rc != EBUSY)
		lock_fail("pthread-spin", "pthread_spin_trylock", rc);
	return rc == 0;
}
static inline void pthreadspin_unlock(void *lk, void *node)
{
	int rc = pthread_spin_unlock(lk);
	if (rc != 0)
		lock_fail("pthread-spin", "pthread_spin_unlock", rc);
}

LOCK_DEFINE(pthread, "pthread", "glibc pthread_mutex_t, default type",
	    "glibc nptl", LOCK_FAMILY_BASELINE, LOCK_MAY_SLEEP | LOCK_PEER,
	    sizeof(pthread_mutex_t), 0);

LOCK_DEFINE(pthread_adaptive, "pthread-adaptive",
	    "glibc pthread_mutex_t, PTHREAD_MUTEX_ADAPTIVE_NP (spin, then sleep)",
	    "glibc nptl", LOCK_FAMILY_BASELINE, LOCK_MAY_SLEEP | LOCK_PEER,
	    sizeof(pthread_mutex_t), 0);

/* "pthreadspin": libc owns the pthread_spin_* names. */
LOCK_DEFINE(pthreadspin, "pthread-spin", "glibc pthread_spinlock_t",
	    "glibc nptl", LOCK_FAMILY_BASELINE, LOCK_PEER,
	    sizeof(pthread_spinlock_t), 0);
