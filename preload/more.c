/*
 * more.c - the primitives beyond pthread mutexes that libcontend-preload.so
 * profiles: pthread_rwlock_* (read and write waits apart), pthread_spin_*,
 * sem_wait/sem_timedwait/sem_clockwait/sem_trywait/sem_post, and C11
 * mtx_* and cnd_* (glibc >= 2.28 exports them; its mtx_lock calls its
 * internal mutex function, not the exported one, so they need their own
 * wrappers). None of them is substituted by --lock, except C11 mutexes,
 * which are pthread mutexes underneath and go through the same path.
 *
 * Same scheme as the mutex wrappers (interpose.c): the non-blocking try
 * first; only when it fails is the stack taken and the clock read around
 * the blocking call. A record per object address, created on first use.
 * rwlock readers and semaphore holders are many at once, so their counters
 * are atomic adds (rec_acquired_shared); a spinlock has one holder and uses
 * the mutex bookkeeping, hold-time samples included.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <semaphore.h>
#include <threads.h>

#include "preload.h"

#define unlikely(x) __builtin_expect(!!(x), 0)

void more_resolve(void *(*resolve_opt)(const char *name))
{
	real.rw_rdlock = resolve_opt("pthread_rwlock_rdlock");
	real.rw_tryrdlock = resolve_opt("pthread_rwlock_tryrdlock");
	real.rw_timedrdlock = resolve_opt("pthread_rwlock_timedrdlock");
	real.rw_clockrdlock = resolve_opt("pthread_rwlock_clockrdlock");
	real.rw_wrlock = resolve_opt("pthread_rwlock_wrlock");
	real.rw_trywrlock = resolve_opt("pthread_rwlock_trywrlock");
	real.rw_timedwrlock = resolve_opt("pthread_rwlock_timedwrlock");
	real.rw_clockwrlock = resolve_opt("pthread_rwlock_clockwrlock");
	real.rw_unlock = resolve_opt("pthread_rwlock_unlock");
	real.spin_lock = resolve_opt("pthread_spin_lock");
	real.spin_trylock = resolve_opt("pthread_spin_trylock");
	real.spin_unlock = resolve_opt("pthread_spin_unlock");
	real.sem_wait = resolve_opt("sem_wait");
	real.sem_trywait = resolve_opt("sem_trywait");
	real.sem_timedwait = resolve_opt("sem_timedwait");
	real.sem_clockwait = resolve_opt("sem_clockwait");
	real.sem_post = resolve_opt("sem_post");
}

static bool usable(void)
{
	if (unlikely(atomic_load_explicit(&preload_state, memory_order_acquire) != 2))
		preload_init();
	return atomic_load_explicit(&preload_state, memory_order_acquire) == 2;
}

/* ---- pthread_rwlock_* ------------------------------------------------- */

/* how: 0 blocking, 1 timed (CLOCK_REALTIME), 2 timed on clk. */
static int rw_lock(pthread_rwlock_t *l, bool read, int how, clockid_t clk,
		   const struct timespec *abstime)
{
	if (unlikely(!usable()))
		return EAGAIN; /* only while dlsym runs: no rwlock there */
	struct mutex_rec *r = table_get(l, REC_RWLOCK);
	int rc = read ? real.rw_tryrdlock(l) : real.rw_trywrlock(l);
	if (rc == 0) {
		if (r != NULL)
			rec_acquired_shared(r, false, 0, read);
		return 0;
	}
	struct stack st = { 0 };
	if (r != NULL)
		preload_stack(&st);
	uint64_t t0 = preload_now_ns();
	if (how == 0)
		rc = read ? real.rw_rdlock(l) : real.rw_wrlock(l);
	else if (how == 1)
		rc = read ? real.rw_timedrdlock(l, abstime) : real.rw_timedwrlock(l, abstime);
	else
		rc = read ? real.rw_clockrdlock(l, clk, abstime) :
			real.rw_clockwrlock(l, clk, abstime);
	if (r == NULL)
		return rc;
	if (rc == 0) {
		uint64_t w = preload_now_ns() - t0;
		rec_acquired_shared(r, true, w, read);
		rec_wait(r, &st, read ? WAIT_RDLOCK : WAIT_WRLOCK, w);
	} else if (rc == ETIMEDOUT) {
		atomic_fetch_add_explicit(&r->timeouts, 1, memory_order_relaxed);
	}
	return rc;
}

static int rw_try(pthread_rwlock_t *l, bool read)
{
	if (unlikely(!usable()))
		return EBUSY;
	int rc = read ? real.rw_tryrdlock(l) : real.rw_trywrlock(l);
	struct mutex_rec *r = table_get(l, REC_RWLOCK);
	if (r != NULL && rc == 0)
		rec_acquired_shared(r, false, 0, read);
	else if (r != NULL && rc == EBUSY)
		atomic_fetch_add_explicit(&r->trylock_busy, 1, memory_order_relaxed);
	return rc;
}

PRELOAD_API int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	return rw_lock(l, true, 0, CLOCK_REALTIME, NULL);
}

PRELOAD_API int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	return rw_lock(l, false, 0, CLOCK_REALTIME, NULL);
}

PRELOAD_API int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t)
{
	return rw_lock(l, true, 1, CLOCK_REALTIME, t);
}

PRELOAD_API int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t)
{
	return rw_lock(l, false, 1, CLOCK_REALTIME, t);
}

PRELOAD_API int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t c,
					   const struct timespec *t)
{
	return rw_lock(l, true, 2, c, t);
}

PRELOAD_API int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t c,
					   const struct timespec *t)
{
	return rw_lock(l, false, 2, c, t);
}

PRELOAD_API int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	return rw_try(l, true);
}

PRELOAD_API int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	return rw_try(l, false);
}

PRELOAD_API int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	if (unlikely(!usable()))
		return EPERM;
	return real.rw_unlock(l);
}

/* ---- pthread_spin_* ---------------------------------------------------- */

PRELOAD_API int pthread_spin_lock(pthread_spinlock_t *l)
{
	if (unlikely(!usable()))
		return EAGAIN;
	struct mutex_rec *r = table_get((const void *)l, REC_SPIN);
	int rc = real.spin_trylock(l);
	if (rc == 0) {
		if (r != NULL)
			rec_acquired(r, false, 0);
		return 0;
	}
	struct stack st = { 0 };
	if (r != NULL)
		preload_stack(&st);
	uint64_t t0 = preload_now_ns();
	rc = real.spin_lock(l);
	if (rc == 0 && r != NULL) {
		uint64_t w = preload_now_ns() - t0;
		rec_acquired(r, true, w);
		rec_wait(r, &st, WAIT_SPIN, w);
	}
	return rc;
}

PRELOAD_API int pthread_spin_trylock(pthread_spinlock_t *l)
{
	if (unlikely(!usable()))
		return EBUSY;
	struct mutex_rec *r = table_get((const void *)l, REC_SPIN);
	int rc = real.spin_trylock(l);
	if (r != NULL && rc == 0)
		rec_acquired(r, false, 0);
	else if (r != NULL && rc == EBUSY)
		atomic_fetch_add_explicit(&r->trylock_busy, 1, memory_order_relaxed);
	return rc;
}

PRELOAD_API int pthread_spin_unlock(pthread_spinlock_t *l)
{
	if (unlikely(!usable()))
		return EPERM;
	struct mutex_rec *r = table_lookup((const void *)l);
	if (r != NULL)
		rec_releasing(r);
	return real.spin_unlock(l);
}

/* ---- sem_* --------------------------------------------------------------- */

static int sem_any(sem_t *s, int how, clockid_t clk, const struct timespec *abstime)
{
	if (unlikely(!usable())) {
		errno = EAGAIN;
		return -1;
	}
	struct mutex_rec *r = table_get(s, REC_SEM);
	int saved = errno;
	if (real.sem_trywait(s) == 0) {
		if (r != NULL)
			rec_acquired_shared(r, false, 0, false);
		return 0;
	}
	/* EAGAIN: the count is 0 and we will wait; the real call sets errno
	 * again, so the program sees its own. */
	errno = saved;
	struct stack st = { 0 };
	if (r != NULL)
		preload_stack(&st);
	uint64_t t0 = preload_now_ns();
	int rc = how == 0 ? real.sem_wait(s) :
		how == 1 ? real.sem_timedwait(s, abstime) :
		real.sem_clockwait(s, clk, abstime);
	if (r == NULL)
		return rc;
	if (rc == 0) {
		uint64_t w = preload_now_ns() - t0;
		rec_acquired_shared(r, true, w, false);
		rec_wait(r, &st, WAIT_SEM, w);
	} else if (errno == ETIMEDOUT) {
		atomic_fetch_add_explicit(&r->timeouts, 1, memory_order_relaxed);
	}
	return rc;
}

PRELOAD_API int sem_wait(sem_t *s)
{
	return sem_any(s, 0, CLOCK_REALTIME, NULL);
}

PRELOAD_API int sem_timedwait(sem_t *s, const struct timespec *t)
{
	return sem_any(s, 1, CLOCK_REALTIME, t);
}

PRELOAD_API int sem_clockwait(sem_t *s, clockid_t c, const struct timespec *t)
{
	return sem_any(s, 2, c, t);
}

PRELOAD_API int sem_trywait(sem_t *s)
{
	if (unlikely(!usable())) {
		errno = EAGAIN;
		return -1;
	}
	struct mutex_rec *r = table_get(s, REC_SEM);
	int rc = real.sem_trywait(s);
	if (r != NULL && rc == 0)
		rec_acquired_shared(r, false, 0, false);
	else if (r != NULL && errno == EAGAIN)
		atomic_fetch_add_explicit(&r->trylock_busy, 1, memory_order_relaxed);
	return rc;
}

PRELOAD_API int sem_post(sem_t *s)
{
	if (unlikely(!usable())) {
		errno = EAGAIN;
		return -1;
	}
	struct mutex_rec *r = table_get(s, REC_SEM);
	if (r != NULL)
		atomic_fetch_add_explicit(&r->sem_posts, 1, memory_order_relaxed);
	return real.sem_post(s);
}

/* ---- C11 threads: mtx_t and cnd_t are glibc's pthread types inside ------ */

_Static_assert(sizeof(mtx_t) >= sizeof(pthread_mutex_t), "mtx_t holds a pthread mutex");
_Static_assert(sizeof(cnd_t) >= sizeof(pthread_cond_t), "cnd_t holds a pthread cond");

static int thrd_code(int rc)
{
	switch (rc) {
	case 0: return thrd_success;
	case EBUSY: return thrd_busy;
	case ETIMEDOUT: return thrd_timedout;
	case ENOMEM: return thrd_nomem;
	default: return thrd_error;
	}
}

PRELOAD_API int mtx_lock(mtx_t *m)
{
	return thrd_code(preload_mutex_lock((pthread_mutex_t *)(void *)m));
}

PRELOAD_API int mtx_trylock(mtx_t *m)
{
	return thrd_code(preload_mutex_trylock((pthread_mutex_t *)(void *)m));
}

PRELOAD_API int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict t)
{
	return thrd_code(preload_mutex_timedlock((pthread_mutex_t *)(void *)m, t));
}

PRELOAD_API int mtx_unlock(mtx_t *m)
{
	return thrd_code(preload_mutex_unlock((pthread_mutex_t *)(void *)m));
}

/* With --lock, a C11 mutex may be ours: its condition waits must go
 * through the same path as pthread_cond_wait. */
PRELOAD_API int cnd_wait(cnd_t *c, mtx_t *m)
{
	return thrd_code(preload_cond_wait((pthread_cond_t *)(void *)c,
					   (pthread_mutex_t *)(void *)m, NULL));
}

PRELOAD_API int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
			      const struct timespec *restrict t)
{
	return thrd_code(preload_cond_wait((pthread_cond_t *)(void *)c,
					   (pthread_mutex_t *)(void *)m, t));
}

PRELOAD_API int cnd_signal(cnd_t *c)
{
	return thrd_code(preload_cond_signal((pthread_cond_t *)(void *)c, false));
}

PRELOAD_API int cnd_broadcast(cnd_t *c)
{
	return thrd_code(preload_cond_signal((pthread_cond_t *)(void *)c, true));
}
