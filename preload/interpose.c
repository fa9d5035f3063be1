/*
 * interpose.c - the functions libcontend-preload.so puts in front of glibc's:
 * pthread_mutex_{init,destroy,lock,trylock,timedlock,clocklock,unlock},
 * pthread_cond_{wait,timedwait,clockwait,signal,broadcast}, _exit and _Exit,
 * and the per-acquisition bookkeeping they share with subst.c and more.c.
 *
 * Profile path (a mutex glibc still implements): trylock first; if that
 * succeeds the acquisition was uncontended and costs a table lookup and a few
 * plain stores into the record, made while holding the mutex (no lock of
 * ours, no allocation, no system call, no clock read except one acquisition
 * in PRELOAD_HOLD_SAMPLE, whose hold time is measured). If it fails, the
 * acquisition is contended: the clock is read around the real blocking lock,
 * and the wait is filed under its stack (record.c).
 *
 * Start-up is init.c: until preload_init() has run, ready() is false and a
 * wrapper re-entered from inside dlsym calls glibc's __pthread_mutex_*
 * aliases directly.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <unistd.h>

#include "preload.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Set by preload_init() (init.c); defined here, beside the wrappers that
 * read them on every call, so that those reads stay direct. */
struct preload_config preload_cfg = { .top = 10, .frames = 6 };
_Atomic int preload_state;
struct real_fns real;

/* glibc's own names for the mutex functions, used only while dlsym is
 * running on this thread (weak: absent on other C libraries). */
extern int __pthread_mutex_lock(pthread_mutex_t *) __attribute__((weak));
extern int __pthread_mutex_trylock(pthread_mutex_t *) __attribute__((weak));
extern int __pthread_mutex_unlock(pthread_mutex_t *) __attribute__((weak));
extern int __pthread_mutex_init(pthread_mutex_t *, const pthread_mutexattr_t *)
	__attribute__((weak));
extern int __pthread_mutex_destroy(pthread_mutex_t *) __attribute__((weak));

/* Its address identifies the thread (owner changes); free to compute. */
static PRELOAD_TLS char thread_marker;

uint64_t preload_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum rec_kind preload_kind_of(const pthread_mutex_t *m)
{
	/* Relaxed: the kind is written by init before the mutex is shared. */
	int k = __atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED);
	if (k & (GLIBC_KIND_ROBUST | GLIBC_KIND_PRIO_INHERIT |
		 GLIBC_KIND_PRIO_PROTECT | GLIBC_KIND_PSHARED))
		return REC_SPECIAL;
	switch (k & GLIBC_KIND_TYPE_MASK) {
	case PTHREAD_MUTEX_RECURSIVE: return REC_RECURSIVE;
	case PTHREAD_MUTEX_ERRORCHECK: return REC_ERRORCHECK;
	case PTHREAD_MUTEX_ADAPTIVE_NP: return REC_ADAPTIVE;
	default: return REC_NORMAL;
	}
}

/* True when the wrappers may use the table; false only while dlsym runs. */
static inline bool ready(void)
{
	/* ACQUIRE: pairs with the RELEASE store in preload_init(). */
	if (likely(atomic_load_explicit(&preload_state, memory_order_acquire) == 2))
		return true;
	preload_init();
	return atomic_load_explicit(&preload_state, memory_order_acquire) == 2;
}


/* ---- per-acquisition bookkeeping --------------------------------------- */

static inline void add_h(_Atomic uint64_t *c, uint64_t v)
{
	/* (H) counter: the writer holds the mutex, no RMW needed. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

static inline void max_h(_Atomic uint64_t *c, uint64_t v)
{
	if (v > atomic_load_explicit(c, memory_order_relaxed))
		atomic_store_explicit(c, v, memory_order_relaxed);
}

/* The calling thread holds r's mutex now (an acquisition, or the re-take
 * after a condition wait): an owner change when another thread held it
 * last, one more hold. Returns the holds before this one. */
static inline __attribute__((always_inline)) int64_t took_over(struct mutex_rec *r)
{
	const void *self = &thread_marker;
	const void *prev = atomic_load_explicit(&r->owner, memory_order_relaxed);
	if (prev != self) {
		atomic_store_explicit(&r->owner, self, memory_order_relaxed);
		if (prev != NULL)
			add_h(&r->owner_changes, 1);
	}
	int64_t held = atomic_load_explicit(&r->held, memory_order_relaxed);
	atomic_store_explicit(&r->held, held + 1, memory_order_relaxed);
	return held;
}

/* The caller has just acquired r's mutex; wait_ns: time blocked, 0 when the
 * first try succeeded. */
static inline __attribute__((always_inline)) void acquired(struct mutex_rec *r, bool contended,
							     uint64_t wait_ns)
{
	uint64_t acq = atomic_load_explicit(&r->acquisitions, memory_order_relaxed) + 1;
	atomic_store_explicit(&r->acquisitions, acq, memory_order_relaxed);
	if (contended) {
		add_h(&r->contended, 1);
		add_h(&r->wait_ns, wait_ns);
		max_h(&r->wait_max_ns, wait_ns);
	}
	int64_t held = took_over(r);
	order_push(r);
	if (unlikely(acq % PRELOAD_HOLD_SAMPLE == 1) && held == 0)
		atomic_store_explicit(&r->hold_start_ns, preload_now_ns(),
				      memory_order_relaxed);
}

void rec_acquired(struct mutex_rec *r, bool contended, uint64_t wait_ns)
{
	acquired(r, contended, wait_ns);
}

void rec_cond_reacquired(struct mutex_rec *r)
{
	/* After a condition wait: the mutex is ours again, but the wait was
	 * not an acquisition the program asked for. */
	add_h(&r->cond_waits, 1);
	took_over(r);
	order_push(r);
}

void rec_releasing(struct mutex_rec *r)
{
	order_release(r);
	int64_t held = atomic_load_explicit(&r->held, memory_order_relaxed);
	atomic_store_explicit(&r->held, held - 1, memory_order_relaxed);
	uint64_t start = atomic_load_explicit(&r->hold_start_ns, memory_order_relaxed);
	if (unlikely(start != 0) && held <= 1) {
		uint64_t d = preload_now_ns() - start;
		atomic_store_explicit(&r->hold_start_ns, 0, memory_order_relaxed);
		add_h(&r->hold_samples, 1);
		add_h(&r->hold_ns, d);
		max_h(&r->hold_max_ns, d);
	}
}

/* The record of m for a lock attempt. The call site is taken here, before
 * the attempt, not while holding m: backtrace() walks the loaded objects
 * under the dynamic loader's lock, and a thread inside dlopen() may hold that
 * and wait for m (a constructor that locks it). */
static inline struct mutex_rec *rec_of(pthread_mutex_t *m)
{
	struct mutex_rec *r = table_lookup(m);
	if (__builtin_expect(r == NULL, 0))
		r = table_get(m, preload_kind_of(m));
	if (unlikely(r != NULL &&
		     atomic_load_explicit(&r->site_state, memory_order_relaxed) == 0))
		preload_capture_site(r);
	return r;
}

/* ---- pthread_mutex_* --------------------------------------------------- */

static inline bool got_it(int rc)
{
	/* EOWNERDEAD: a robust mutex whose owner died; the caller owns it. */
	return rc == 0 || rc == EOWNERDEAD;
}

PRELOAD_API int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	if (!ready())
		return __pthread_mutex_init(m, attr);
	int rc = real.mutex_init(m, attr);
	if (rc != 0)
		return rc;
	enum rec_kind kind = preload_kind_of(m);
	struct mutex_rec *r = table_get(m, kind);
	if (r != NULL) {
		atomic_fetch_add_explicit(&r->inits, 1, memory_order_relaxed);
		/* A new mutex at a known address: no thread may use it while
		 * it is initialised, so the record can change its mode. */
		if (atomic_load_explicit(&r->kind, memory_order_relaxed) != (int)kind ||
		    atomic_load_explicit(&r->substituted, memory_order_relaxed)) {
			atomic_store_explicit(&r->kind, kind, memory_order_relaxed);
			subst_setup(r);
		}
		atomic_store_explicit(&r->held, 0, memory_order_relaxed);
		atomic_store_explicit(&r->hold_start_ns, 0, memory_order_relaxed);
	}
	return 0;
}

PRELOAD_API int pthread_mutex_destroy(pthread_mutex_t *m)
{
	if (!ready())
		return __pthread_mutex_destroy(m);
	/* The record stays (it holds the profile); a substituted lock is
	 * set up again if the address is initialised again (subst_setup). */
	return real.mutex_destroy(m);
}

/* The first try failed: take the stack, then block, timed. Out of line,
 * so that the uncontended path's frame stays small. */
static __attribute__((noinline)) int lock_contended(pthread_mutex_t *m, struct mutex_rec *r)
{
	struct stack st;
	preload_stack(&st);
	uint64_t t0 = preload_now_ns();
	int rc = real.mutex_lock(m);
	if (got_it(rc)) {
		uint64_t w = preload_now_ns() - t0;
		acquired(r, true, w);
		rec_wait(r, &st, WAIT_LOCK, w);
	}
	return rc;
}

/* A blocking lock while this thread holds other mutexes: the same, and
 * the edges held -> r of the lock-order graph (order.c). */
static __attribute__((noinline)) int lock_nested(pthread_mutex_t *m, struct mutex_rec *r)
{
	order_prepare(r);
	int rc;
	if (atomic_load_explicit(&r->substituted, memory_order_relaxed)) {
		rc = subst_lock(r);
	} else {
		rc = real.mutex_trylock(m);
		if (got_it(rc))
			acquired(r, false, 0);
		else
			rc = lock_contended(m, r);
	}
	if (got_it(rc))
		order_edges_add(r);
	return rc;
}

static inline __attribute__((always_inline)) int do_mutex_lock(pthread_mutex_t *m)
{
	if (unlikely(!ready()))
		return __pthread_mutex_lock(m);
	struct mutex_rec *r = rec_of(m);
	if (unlikely(r == NULL))
		return real.mutex_lock(m);
	/* Lock order: a thread that holds no mutex pays this load only. */
	if (unlikely(order_self.n != 0))
		return lock_nested(m, r);
	if (atomic_load_explicit(&r->substituted, memory_order_relaxed))
		return subst_lock(r);
	int rc = real.mutex_trylock(m);
	if (likely(got_it(rc))) { /* 0, or EOWNERDEAD */
		acquired(r, false, 0);
		return rc;
	}
	/* EBUSY, or an error the blocking call will report again (EDEADLK
	 * comes from the lock, not the trylock, for an error-checking mutex). */
	return lock_contended(m, r);
}

static inline __attribute__((always_inline)) int do_mutex_trylock(pthread_mutex_t *m)
{
	if (unlikely(!ready()))
		return __pthread_mutex_trylock(m);
	struct mutex_rec *r = rec_of(m);
	if (unlikely(r == NULL))
		return real.mutex_trylock(m);
	if (atomic_load_explicit(&r->substituted, memory_order_relaxed))
		return subst_trylock(r);
	int rc = real.mutex_trylock(m);
	if (got_it(rc))
		acquired(r, false, 0);
	else if (rc == EBUSY)
		atomic_fetch_add_explicit(&r->trylock_busy, 1, memory_order_relaxed);
	return rc;
}

static int timed(pthread_mutex_t *m, clockid_t clk, const struct timespec *abstime,
		 bool clock_given)
{
	ready();
	struct mutex_rec *r = rec_of(m);
	if (unlikely(r == NULL))
		return clock_given ? real.mutex_clocklock(m, clk, abstime) :
			real.mutex_timedlock(m, abstime);
	bool nested = order_self.n != 0;
	if (nested)
		order_prepare(r);
	if (atomic_load_explicit(&r->substituted, memory_order_relaxed)) {
		int src = subst_timedlock(r, clk, abstime);
		if (nested && got_it(src))
			order_edges_add(r);
		return src;
	}
	int rc = real.mutex_trylock(m);
	if (got_it(rc)) {
		acquired(r, false, 0);
		if (nested)
			order_edges_add(r);
		return rc;
	}
	struct stack st;
	preload_stack(&st);
	uint64_t t0 = preload_now_ns();
	rc = clock_given ? real.mutex_clocklock(m, clk, abstime) :
		real.mutex_timedlock(m, abstime);
	if (got_it(rc)) {
		uint64_t w = preload_now_ns() - t0;
		acquired(r, true, w);
		rec_wait(r, &st, WAIT_LOCK, w);
		if (nested)
			order_edges_add(r);
	} else if (rc == ETIMEDOUT)
		atomic_fetch_add_explicit(&r->timeouts, 1, memory_order_relaxed);
	return rc;
}

PRELOAD_API int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	return timed(m, CLOCK_REALTIME, abstime, false);
}

int preload_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	return timed(m, CLOCK_REALTIME, abstime, false);
}

PRELOAD_API int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
			    const struct timespec *abstime)
{
	return timed(m, clk, abstime, true);
}

static inline __attribute__((always_inline)) int do_mutex_unlock(pthread_mutex_t *m)
{
	if (unlikely(!ready()))
		return __pthread_mutex_unlock(m);
	/* Find, not get: a mutex never locked through us has no record, and
	 * must not get a substituted one now. */
	struct mutex_rec *r = table_lookup(m);
	if (unlikely(r == NULL))
		return real.mutex_unlock(m);
	if (atomic_load_explicit(&r->substituted, memory_order_relaxed))
		return subst_unlock(r);
	rec_releasing(r);
	return real.mutex_unlock(m);
}

PRELOAD_API int pthread_mutex_lock(pthread_mutex_t *m)
{
	return do_mutex_lock(m);
}

PRELOAD_API int pthread_mutex_trylock(pthread_mutex_t *m)
{
	return do_mutex_trylock(m);
}

PRELOAD_API int pthread_mutex_unlock(pthread_mutex_t *m)
{
	return do_mutex_unlock(m);
}

/* The same, for the C11 wrappers of more.c. */
int preload_mutex_lock(pthread_mutex_t *m)
{
	return do_mutex_lock(m);
}

int preload_mutex_trylock(pthread_mutex_t *m)
{
	return do_mutex_trylock(m);
}

int preload_mutex_unlock(pthread_mutex_t *m)
{
	return do_mutex_unlock(m);
}

/* ---- pthread_cond_* ---------------------------------------------------- */

static int cond_wait_any(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
			 const struct timespec *abstime, int how)
{
	ready();
	struct mutex_rec *r = table_find(m);
	if (r != NULL && atomic_load_explicit(&r->substituted, memory_order_relaxed))
		return subst_cond_wait(c, r, clk, abstime);
	if (r != NULL)
		rec_releasing(r);
	int rc;
	switch (how) {
	case 0: rc = real.cond_wait(c, m); break;
	case 1: rc = real.cond_timedwait(c, m, abstime); break;
	default: rc = real.cond_clockwait(c, m, clk, abstime); break;
	}
	/* glibc re-acquired m before returning, whatever rc is (except
	 * EOWNERDEAD-less errors on robust mutexes, which we do not model). */
	if (r != NULL)
		rec_cond_reacquired(r);
	return rc;
}

PRELOAD_API int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return cond_wait_any(c, m, CLOCK_REALTIME, NULL, 0);
}

PRELOAD_API int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	return cond_wait_any(c, m, CLOCK_REALTIME, abstime, 1);
}

PRELOAD_API int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
			   const struct timespec *abstime)
{
	return cond_wait_any(c, m, clk, abstime, 2);
}

int preload_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	return abstime ? cond_wait_any(c, m, CLOCK_REALTIME, abstime, 1) :
		cond_wait_any(c, m, CLOCK_REALTIME, NULL, 0);
}

int preload_cond_signal(pthread_cond_t *c, bool broadcast)
{
	ready();
	if (preload_cfg.subst != NULL)
		return subst_cond_signal(c, broadcast);
	return broadcast ? real.cond_broadcast(c) : real.cond_signal(c);
}

PRELOAD_API int pthread_cond_signal(pthread_cond_t *c)
{
	ready();
	if (preload_cfg.subst != NULL)
		return subst_cond_signal(c, false);
	return real.cond_signal(c);
}

PRELOAD_API int pthread_cond_broadcast(pthread_cond_t *c)
{
	ready();
	if (preload_cfg.subst != NULL)
		return subst_cond_signal(c, true);
	return real.cond_broadcast(c);
}

/* ---- glibc's mutex for the lock sources ------------------------------ */

/* The lock sources are compiled for this library with pthread_mutex_* renamed
 * to these (preload/local.mk), so the `pthread` locks of the registry reach
 * glibc instead of coming back into our wrappers. */
int contend_real_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	ready();
	return real.mutex_init(m, a);
}
int contend_real_mutex_destroy(pthread_mutex_t *m)
{
	ready();
	return real.mutex_destroy(m);
}
int contend_real_mutex_lock(pthread_mutex_t *m)
{
	ready();
	return real.mutex_lock(m);
}
int contend_real_mutex_trylock(pthread_mutex_t *m)
{
	ready();
	return real.mutex_trylock(m);
}
int contend_real_mutex_unlock(pthread_mutex_t *m)
{
	ready();
	return real.mutex_unlock(m);
}

/* ---- process exit without exit() --------------------------------------- */

PRELOAD_API void _exit(int status)
{
	ready();
	report_write(); /* does nothing in a vfork child: see report.c */
	real.exit_(status);
}

PRELOAD_API void _Exit(int status)
{
	_exit(status);
}

