/*
 * interpose.c - the functions libcontend-preload.so puts in front of glibc's:
 * pthread_mutex_{init,destroy,lock,trylock,timedlock,clocklock,unlock},
 * pthread_cond_{wait,timedwait,clockwait,signal,broadcast}, _exit and _Exit.
 *
 * Profile path (a mutex glibc still implements): trylock first; if that
 * succeeds the acquisition was uncontended and costs a table lookup and a few
 * plain stores into the record, made while holding the mutex (no lock of
 * ours, no allocation, no system call, no clock read except one acquisition
 * in PRELOAD_HOLD_SAMPLE, whose hold time is measured). If it fails, the
 * acquisition is contended: the clock is read around the real blocking lock.
 *
 * Start-up: a wrapper may run before our constructor (another library's
 * constructor, the program's .preinit_array) and even before libc has set
 * environ. preload_init() resolves the real functions with dlsym(RTLD_NEXT)
 * on the first call from anywhere and reads the configuration from environ,
 * or from /proc/self/environ while environ is not set yet (failing that,
 * from the envp our constructor receives; mutexes seen before then are
 * profiled, not substituted). A wrapper re-entered from inside dlsym calls
 * glibc's __pthread_mutex_* aliases directly.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

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

static PRELOAD_TLS bool in_init;      /* preload_init() runs on this thread */
static PRELOAD_TLS bool in_backtrace; /* capture_site() runs on this thread */
/* Its address identifies the thread (owner changes); free to compute. */
static PRELOAD_TLS char thread_marker;
static bool config_done;
static bool ctor_done; /* backtrace() is primed: safe to take call sites */
static void *our_base; /* load address of this library (dladdr) */
/* The addresses of this library's loaded segments: frames in it are ours. */
static uintptr_t our_lo, our_hi;

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

/* ---- configuration ---------------------------------------------------- */

static const char *env_in(char **envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static int env_int(char **envp, const char *name, int def, int lo, int hi)
{
	const char *s = env_in(envp, name);
	if (s == NULL || *s == '\0')
		return def;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return def;
	return (int)v;
}

/* Reads the CONTEND_PROFILE_* variables (see preload/README.md). */
static void read_config(char **envp)
{
	const char *s;

	if ((s = env_in(envp, "CONTEND_PROFILE_LOCK")) != NULL && *s != '\0' &&
	    strcmp(s, "glibc") != 0) {
		preload_cfg.subst = lock_find(s);
		if (preload_cfg.subst == NULL) {
			static const char msg[] = "contend-preload: unknown lock in "
				"CONTEND_PROFILE_LOCK, profiling only\n";
			(void)!write(2, msg, sizeof(msg) - 1);
		} else if (preload_cfg.subst->props & LOCK_TRYLOCK_MAY_BLOCK) {
			/* A program's trylock back-off would deadlock. */
			static const char msg[] = "contend-preload: the lock in "
				"CONTEND_PROFILE_LOCK has a trylock that may wait for a "
				"holder, profiling only\n";
			(void)!write(2, msg, sizeof(msg) - 1);
			preload_cfg.subst = NULL;
		}
	}
	if ((s = env_in(envp, "CONTEND_PROFILE_OUT")) != NULL &&
	    strlen(s) < sizeof(preload_cfg.out_path))
		strcpy(preload_cfg.out_path, s);
	preload_cfg.top = env_int(envp, "CONTEND_PROFILE_TOP", 10, 1, 1000000);
	preload_cfg.frames = env_int(envp, "CONTEND_PROFILE_FRAMES", 6, 0,
				     PRELOAD_MAX_FRAMES);
	preload_cfg.quiet = env_int(envp, "CONTEND_PROFILE_QUIET", 0, 0, 1) == 1;
	/* The process `contend` started keeps the plain file name; others
	 * (exec'd children, forks) add their pid. Unset: we are the main. */
	s = env_in(envp, "CONTEND_PROFILE_MAIN_PID");
	preload_cfg.is_main = s == NULL || atol(s) == (long)getpid();
	config_done = true;
}

/* Before libc has set environ (a .preinit_array function of the program
 * locked a mutex) the environment is still in /proc/self/environ. Only our
 * own variables are kept; the store is static because this runs once. */
static void read_config_from_proc(void)
{
	static char store[8][4224];
	char *vars[9];
	char buf[4096], entry[4224];
	size_t len = 0, found = 0;
	bool skip = false;
	ssize_t n;

	int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* the constructor will read envp */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\0') {
				if (!skip && len > 16 && found < 8 &&
				    strncmp(entry, "CONTEND_PROFILE_", 16) == 0) {
					memcpy(store[found], entry, len);
					store[found][len] = '\0';
					vars[found] = store[found];
					found++;
				}
				len = 0;
				skip = false;
			} else if (!skip) {
				if (len < sizeof(entry) - 1)
					entry[len++] = buf[i];
				else
					skip = true; /* not one of ours: too long */
			}
		}
	}
	close(fd);
	vars[found] = NULL;
	read_config(vars);
}

static void *resolve(const char *name, const char *version)
{
	void *p = version ? dlvsym(RTLD_NEXT, name, version) : NULL;
	if (p == NULL)
		p = dlsym(RTLD_NEXT, name);
	if (p == NULL) {
		static const char msg[] = "contend-preload: cannot resolve a pthread "
			"function with dlsym(RTLD_NEXT)\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

static void *resolve_opt(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

void preload_init(void)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong_explicit(&preload_state, &expected, 1,
						     memory_order_acquire,
						     memory_order_acquire)) {
		if (in_init)
			return; /* re-entered from dlsym: caller falls back */
		/* Another thread initialises: it takes microseconds. ACQUIRE:
		 * pairs with the RELEASE store below. */
		while (atomic_load_explicit(&preload_state, memory_order_acquire) != 2)
			sched_yield();
		return;
	}
	in_init = true;
	/* The condition variable functions have two versions in glibc on
	 * x86-64 (2.2.5: the old condvar ABI, 2.3.2: the current one); plain
	 * dlsym may return the old one, so ask for the current one first. */
	real.mutex_init = resolve("pthread_mutex_init", NULL);
	real.mutex_destroy = resolve("pthread_mutex_destroy", NULL);
	real.mutex_lock = resolve("pthread_mutex_lock", NULL);
	real.mutex_trylock = resolve("pthread_mutex_trylock", NULL);
	real.mutex_timedlock = resolve("pthread_mutex_timedlock", NULL);
	real.mutex_clocklock = resolve("pthread_mutex_clocklock", NULL);
	real.mutex_unlock = resolve("pthread_mutex_unlock", NULL);
	real.cond_wait = resolve("pthread_cond_wait", "GLIBC_2.3.2");
	real.cond_timedwait = resolve("pthread_cond_timedwait", "GLIBC_2.3.2");
	real.cond_clockwait = resolve("pthread_cond_clockwait", NULL);
	real.cond_signal = resolve("pthread_cond_signal", "GLIBC_2.3.2");
	real.cond_broadcast = resolve("pthread_cond_broadcast", "GLIBC_2.3.2");
	real.exit_ = resolve("_exit", NULL);
	more_resolve(resolve_opt);
	extern char **environ;
	if (environ != NULL)
		read_config(environ);
	else
		read_config_from_proc();
	report_init();
	subst_init();
	in_init = false;
	/* RELEASE: publishes real and preload_cfg to every wrapper. */
	atomic_store_explicit(&preload_state, 2, memory_order_release);
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

static void atfork_prepare(void) { subst_atfork_prepare(); }
static void atfork_parent(void) { subst_atfork_parent(); }
static void atfork_child(void)
{
	subst_atfork_child();
	report_reset_child();
}

static int find_our_range(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	uintptr_t self = (uintptr_t)(void *)find_our_range;
	if (self >= lo && self < hi) {
		our_lo = lo;
		our_hi = hi;
		return 1;
	}
	return 0;
}

__attribute__((constructor)) static void preload_ctor(int argc, char **argv, char **envp)
{
	void *frames[2];
	Dl_info info;

	ready();
	/* glibc passes envp to constructors even where environ is not set
	 * yet; settings read here apply to mutexes first seen from now on. */
	if (!config_done)
		read_config(envp);
	if (dladdr((void *)preload_ctor, &info) != 0)
		our_base = info.dli_fbase;
	dl_iterate_phdr(find_our_range, NULL);
	/* The first backtrace() loads libgcc_s; do it here, not inside the
	 * first pthread_mutex_lock, which may run in an allocator. */
	in_backtrace = true;
	backtrace(frames, 2);
	in_backtrace = false;
	ctor_done = true;
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

__attribute__((destructor)) static void preload_dtor(void)
{
	report_write();
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

static __attribute__((noinline)) void capture_site(struct mutex_rec *r)
{
	void *buf[PRELOAD_MAX_FRAMES + 8];
	int expected = 0;

	if (in_backtrace || !ctor_done ||
	    !atomic_compare_exchange_strong_explicit(&r->site_state, &expected, 1,
						     memory_order_relaxed,
						     memory_order_relaxed))
		return;
	in_backtrace = true;
	int n = backtrace(buf, preload_cfg.frames + 8);
	in_backtrace = false;
	/* Skip our own frames: the call site is the first frame after them.
	 * Frames before ours are skipped too: under a sanitizer, backtrace()
	 * itself is an interceptor in the sanitizer's library. */
	int first = 0;
	Dl_info info;
	for (int i = 0; i < n; i++) {
		if (dladdr(buf[i], &info) != 0 && info.dli_fbase == our_base) {
			first = i;
			break;
		}
	}
	while (first < n && dladdr(buf[first], &info) != 0 && info.dli_fbase == our_base)
		first++;
	int k = 0;
	for (int i = first; i < n && k < preload_cfg.frames; i++)
		r->site[k++] = buf[i];
	r->site_frames = k;
	/* RELEASE: pairs with the ACQUIRE in the report. */
	atomic_store_explicit(&r->site_state, 2, memory_order_release);
}

static inline bool is_ours(const void *pc)
{
	return (uintptr_t)pc >= our_lo && (uintptr_t)pc < our_hi;
}

/* backtrace() (libgcc's unwinder, from the unwind tables every Debian
 * binary has) rather than a frame-pointer walk, which breaks on the first
 * function built without frame pointers, i.e. on most distribution code.
 * Called only on a contended path, before blocking, while the caller holds
 * no lock of ours and not the mutex (see rec_of() on the loader's lock). */
__attribute__((noinline)) void preload_stack(struct stack *st)
{
	void *buf[PRELOAD_MAX_FRAMES + 8];

	st->n = 0;
	if (in_backtrace || !ctor_done || preload_cfg.frames == 0)
		return;
	in_backtrace = true;
	/* The unwinder's cost grows with each frame (some 0.2-0.4 us): ask for
	 * the frames kept plus ours (this function, the contended path, the
	 * wrapper) and one spare. */
	int n = backtrace(buf, preload_cfg.frames + 4);
	in_backtrace = false;
	/* Frames before our first one belong to a sanitizer's interceptor of
	 * backtrace(); then ours; the caller's start after them. */
	int i = 0;
	while (i < n && !is_ours(buf[i]))
		i++;
	if (i == n)
		i = 0;
	while (i < n && is_ours(buf[i]))
		i++;
	for (; i < n && st->n < preload_cfg.frames; i++)
		st->pc[st->n++] = buf[i];
}

static uint64_t stack_hash(const struct stack *st, int kind)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)kind;
	for (int i = 0; i < st->n; i++) {
		h ^= (uint64_t)(uintptr_t)st->pc[i];
		h *= 0x100000001b3ull;
	}
	return h | 1; /* 0 marks a free site */
}

static bool same_site(struct wait_site *s, const struct stack *st, int kind)
{
	int n;
	/* ACQUIRE: pairs with the RELEASE store of nframes by the thread that
	 * claimed the site, so its frames and kind are visible. It stores
	 * them right after its CAS: wait for it. */
	while ((n = atomic_load_explicit(&s->nframes, memory_order_acquire)) == 0)
		sched_yield();
	if (n - 1 != st->n || s->kind != kind)
		return false;
	return memcmp(s->frames, st->pc, (size_t)st->n * sizeof(void *)) == 0;
}

void rec_wait(struct mutex_rec *r, const struct stack *st, int kind, uint64_t wait_ns)
{
	/* ACQUIRE: pairs with the RELEASE CAS below (a zeroed wait_info). */
	struct wait_info *w = atomic_load_explicit(&r->waits, memory_order_acquire);
	if (unlikely(w == NULL)) {
		struct wait_info *mine = arena_alloc(sizeof(*mine));
		if (mine == NULL)
			return;
		/* RELEASE: publishes the zeroed memory. A loser's copy stays
		 * unused in the arena (two threads' first contended waits on
		 * one shared lock at once: rare, and bounded by the threads). */
		if (atomic_compare_exchange_strong_explicit(&r->waits, &w, mine,
							    memory_order_release,
							    memory_order_acquire))
			w = mine;
	}
	int b = wait_ns == 0 ? 0 : 64 - __builtin_clzll(wait_ns);
	if (b >= PRELOAD_HIST_BUCKETS)
		b = PRELOAD_HIST_BUCKETS - 1;
	/* Relaxed RMWs: counters, read only by the report. */
	atomic_fetch_add_explicit(&w->hist[b], 1, memory_order_relaxed);
	if (st->n > 0) {
		uint64_t h = stack_hash(st, kind);
		for (unsigned k = 0; k < PRELOAD_SITES; k++) {
			struct wait_site *s = &w->site[(h + k) % PRELOAD_SITES];
			uint64_t sh = atomic_load_explicit(&s->hash, memory_order_relaxed);
			if (sh == 0) {
				/* Relaxed CAS: the frames are published by the
				 * RELEASE store of nframes, not by the hash. */
				if (atomic_compare_exchange_strong_explicit(
					    &s->hash, &sh, h, memory_order_relaxed,
					    memory_order_relaxed)) {
					memcpy(s->frames, st->pc, (size_t)st->n * sizeof(void *));
					s->kind = kind;
					/* RELEASE: pairs with same_site()/the report. */
					atomic_store_explicit(&s->nframes, st->n + 1,
							      memory_order_release);
					sh = h;
				}
			}
			if (sh == h && same_site(s, st, kind)) {
				atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
				atomic_fetch_add_explicit(&s->wait_ns, wait_ns, memory_order_relaxed);
				return;
			}
		}
	}
	atomic_fetch_add_explicit(&w->dropped, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->dropped_ns, wait_ns, memory_order_relaxed);
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
	const void *self = &thread_marker;
	const void *prev = atomic_load_explicit(&r->owner, memory_order_relaxed);
	if (prev != self) {
		atomic_store_explicit(&r->owner, self, memory_order_relaxed);
		if (prev != NULL)
			add_h(&r->owner_changes, 1);
	}
	int64_t held = atomic_load_explicit(&r->held, memory_order_relaxed);
	atomic_store_explicit(&r->held, held + 1, memory_order_relaxed);
	if (unlikely(acq % PRELOAD_HOLD_SAMPLE == 1) && held == 0)
		atomic_store_explicit(&r->hold_start_ns, preload_now_ns(),
				      memory_order_relaxed);
}

void rec_acquired(struct mutex_rec *r, bool contended, uint64_t wait_ns)
{
	acquired(r, contended, wait_ns);
}

void rec_acquired_shared(struct mutex_rec *r, bool contended, uint64_t wait_ns, bool read)
{
	/* Relaxed RMWs: counters only, read by the report. */
	atomic_fetch_add_explicit(&r->acquisitions, 1, memory_order_relaxed);
	if (read)
		atomic_fetch_add_explicit(&r->rd_acquisitions, 1, memory_order_relaxed);
	if (!contended)
		return;
	atomic_fetch_add_explicit(&r->contended, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->wait_ns, wait_ns, memory_order_relaxed);
	if (read) {
		atomic_fetch_add_explicit(&r->rd_contended, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&r->rd_wait_ns, wait_ns, memory_order_relaxed);
	}
	uint64_t m = atomic_load_explicit(&r->wait_max_ns, memory_order_relaxed);
	while (wait_ns > m && !atomic_compare_exchange_weak_explicit(
				      &r->wait_max_ns, &m, wait_ns, memory_order_relaxed,
				      memory_order_relaxed))
		;
}

void rec_cond_reacquired(struct mutex_rec *r)
{
	/* After a condition wait: the mutex is ours again, but the wait was
	 * not an acquisition the program asked for. */
	add_h(&r->cond_waits, 1);
	const void *self = &thread_marker;
	const void *prev = atomic_load_explicit(&r->owner, memory_order_relaxed);
	if (prev != self) {
		atomic_store_explicit(&r->owner, self, memory_order_relaxed);
		if (prev != NULL)
			add_h(&r->owner_changes, 1);
	}
	int64_t held = atomic_load_explicit(&r->held, memory_order_relaxed);
	atomic_store_explicit(&r->held, held + 1, memory_order_relaxed);
}

void rec_releasing(struct mutex_rec *r)
{
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
		capture_site(r);
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

static inline __attribute__((always_inline)) int do_mutex_lock(pthread_mutex_t *m)
{
	if (unlikely(!ready()))
		return __pthread_mutex_lock(m);
	struct mutex_rec *r = rec_of(m);
	if (unlikely(r == NULL))
		return real.mutex_lock(m);
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
	if (atomic_load_explicit(&r->substituted, memory_order_relaxed))
		return subst_timedlock(r, clk, abstime);
	int rc = real.mutex_trylock(m);
	if (got_it(rc)) {
		acquired(r, false, 0);
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
