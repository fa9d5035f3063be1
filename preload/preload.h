/*
 * preload.h - the inside of libcontend-preload.so, the LD_PRELOAD library of
 * `contend profile`. Not installed; shared by the files of preload/ only.
 *
 * Parts:
 *   table.c      mmap'ed arena and the open-addressing table of mutex
 *                records, keyed by the address of the program's object
 *   init.c       start-up: the real functions, the configuration, the
 *                constructor and destructor, fork handlers
 *   interpose.c  the pthread_mutex_*, pthread_cond_* and _exit wrappers and
 *                the per-acquisition bookkeeping of a record
 *   record.c     call sites, wait stacks and the wait sites of a record
 *   subst.c      substitution mode: our lock in place of a glibc mutex,
 *                per-thread queue nodes, condition variables
 *   report.c     the stderr table and the JSON file, written at exit
 *   more.c       rwlocks, spinlocks, semaphores and C11 threads' mutexes
 *
 * Rules for everything in this library: the program's own output and exit
 * status must not change; nothing here calls malloc (memory comes from
 * mmap), stdio (output goes through write(2)) or a pthread_mutex function
 * other than through the real_* pointers below, so no call can come back
 * into our own wrappers.
 */
#ifndef CONTEND_PRELOAD_H
#define CONTEND_PRELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lock.h"

/* Initial-exec TLS: the library is loaded at start-up (LD_PRELOAD), so its
 * TLS is in the static block and needs no __tls_get_addr call. */
#define PRELOAD_TLS __thread __attribute__((tls_model("initial-exec")))

/* The only symbols the library exports: everything else is hidden
 * (-fvisibility=hidden), so none of our names can capture a call of the
 * program's own function of the same name. */
#define PRELOAD_API __attribute__((visibility("default")))

#define PRELOAD_MAX_FRAMES 16
/* A hold time is measured for one acquisition in this many (per mutex:
 * acquisitions 1, 1 + N, 1 + 2N, ...): two clock reads per measured
 * acquisition would double the cost of an uncontended lock+unlock. */
#define PRELOAD_HOLD_SAMPLE 64

/* Wait attribution: the distinct call stacks that waited for one mutex,
 * kept per mutex (more go to a "did not fit" counter), and a histogram of
 * the wait times, bucket b >= 1 counting waits in [2^(b-1), 2^b) ns. */
#define PRELOAD_SITES 32
#define PRELOAD_HIST_BUCKETS 48

/* What a thread waited for (the kind of a wait site). */
enum wait_kind {
	WAIT_LOCK,        /* pthread_mutex_lock/timedlock/clocklock */
	WAIT_COND_RETAKE, /* re-taking the mutex after a condition wait (--lock) */
	WAIT_RDLOCK,      /* pthread_rwlock_rdlock/timedrdlock/clockrdlock */
	WAIT_WRLOCK,      /* pthread_rwlock_wrlock/timedwrlock/clockwrlock */
	WAIT_SPIN,        /* pthread_spin_lock */
	WAIT_SEM,         /* sem_wait/sem_timedwait/sem_clockwait */
	WAIT_KINDS
};

/* One call stack that waited. hash is claimed once by CAS (0: free);
 * nframes is stored RELEASE after frames, so whoever reads nframes != 0
 * with ACQUIRE sees the frames. count and wait_ns are atomic adds: for a
 * mutex the adder holds it, but a shared (read) lock has several holders. */
struct wait_site {
	_Atomic uint64_t hash;
	_Atomic int nframes;
	int kind; /* enum wait_kind, written before nframes */
	_Atomic uint64_t count, wait_ns;
	void *frames[PRELOAD_MAX_FRAMES];
};

struct wait_info {
	_Atomic uint64_t dropped, dropped_ns; /* waits whose stack did not fit */
	_Atomic uint64_t hist[PRELOAD_HIST_BUCKETS];
	struct wait_site site[PRELOAD_SITES];
};

/* A call stack taken on the contended path: return addresses, outermost
 * last, our own frames removed. */
struct stack {
	int n;
	void *pc[PRELOAD_MAX_FRAMES];
};

/* glibc's pthread_mutex_t.__data.__kind bits (nptl/pthreadP.h; part of the
 * ABI since the static initialisers store them). */
#define GLIBC_KIND_TYPE_MASK 3
#define GLIBC_KIND_ROBUST 16
#define GLIBC_KIND_PRIO_INHERIT 32
#define GLIBC_KIND_PRIO_PROTECT 64
#define GLIBC_KIND_PSHARED 128

enum rec_kind {
	REC_NORMAL,     /* PTHREAD_MUTEX_NORMAL / DEFAULT */
	REC_ADAPTIVE,   /* PTHREAD_MUTEX_ADAPTIVE_NP */
	REC_RECURSIVE,  /* PTHREAD_MUTEX_RECURSIVE */
	REC_ERRORCHECK, /* PTHREAD_MUTEX_ERRORCHECK */
	REC_SPECIAL,    /* robust, priority-inheritance/-protect or pshared */
	REC_COND,       /* a pthread_cond_t (substitution mode only) */
	REC_RWLOCK,     /* a pthread_rwlock_t (profiled, never substituted) */
	REC_SPIN,       /* a pthread_spinlock_t (profiled, never substituted) */
	REC_SEM,        /* a sem_t (profiled, never substituted) */
};

/*
 * One record per mutex address. Counters marked (H) are written only by a
 * thread that holds the mutex, so a relaxed load + relaxed store suffices
 * (the mutex's own acquire/release orders successive writers); no locked
 * instruction on the fast path. Counters marked (A) are written by threads
 * that do not hold the mutex and use atomic read-modify-write. Everything is
 * read, relaxed, by the report, which may run while other threads still
 * work: it sees a consistent-enough snapshot, never a torn 64-bit word.
 */
struct mutex_rec {
	const void *addr;          /* key; immutable once published */
	_Atomic int kind;          /* enum rec_kind; rewritten by mutex_init */
	_Atomic bool substituted;  /* our lock stands in for glibc's */
	_Atomic uint32_t inits;    /* (A) pthread_mutex_init calls */

	_Atomic uint64_t acquisitions;  /* (H) */
	_Atomic uint64_t contended;     /* (H) first try failed */
	_Atomic uint64_t owner_changes; /* (H) acquirer != previous owner */
	_Atomic uint64_t wait_ns;       /* (H) total time blocked */
	_Atomic uint64_t wait_max_ns;   /* (H) */
	_Atomic uint64_t hold_samples;  /* (H) measured hold times */
	_Atomic uint64_t hold_ns;       /* (H) sum of measured hold times */
	_Atomic uint64_t hold_max_ns;   /* (H) */
	_Atomic uint64_t cond_waits;    /* (H) condition waits (re-acquire) */
	_Atomic int64_t held;           /* (H) lock depth now (for "held at exit") */
	_Atomic uint64_t hold_start_ns; /* (H) 0: this hold is not measured */
	_Atomic(const void *) owner;    /* (H) thread that took it last */
	_Atomic uint64_t trylock_busy;  /* (A) program's trylock found it held */
	_Atomic uint64_t timeouts;      /* (A) timedlock gave up */

	/* Call site of the first lock: site_state 0 none, 1 being taken,
	 * 2 done (RELEASE by the taker, ACQUIRE by the report). */
	_Atomic int site_state;
	int site_frames;
	void *site[PRELOAD_MAX_FRAMES];

	/* Where threads waited: made on the first contended acquisition
	 * (RELEASE CAS; ACQUIRE loads), never freed. */
	_Atomic(struct wait_info *) waits;
	/* --lock: time blocked re-taking the mutex after a condition wait,
	 * and how many re-takes had to wait (H). */
	_Atomic uint64_t cond_retake_ns;
	_Atomic uint64_t cond_retake_contended;
	/* rwlocks: the read side's share of acquisitions, contended and
	 * wait_ns (A: readers hold the lock together; for rwlocks and
	 * semaphores every counter is an atomic add). sem_post calls (A). */
	_Atomic uint64_t rd_acquisitions, rd_contended, rd_wait_ns;
	_Atomic uint64_t sem_posts;

	/* Substitution mode. lock: our lock, lock_size bytes, written before
	 * `substituted` is published. holder_node: node of the current holder
	 * (H). lock_fork_gen: see subst_setup(). cond_mutex, cond_seq: for a REC_COND record, the glibc mutex
	 * handed to pthread_cond_*wait in place of the program's and the
	 * count of signals (see subst.c). */
	void *lock;
	void *holder_node;
	uint32_t lock_fork_gen; /* subst_fork_gen when lock was initialised */
	_Atomic(pthread_mutex_t *) cond_mutex;
	_Atomic uint64_t cond_seq; /* REC_COND: signals so far, under cond_mutex */

	/* The lock-order graph's name for this record (order.c): unique,
	 * from 1, set before the record is published. */
	uint32_t lo_id;
} __attribute__((aligned(LOCK_CACHELINE)));

/* init.c: configuration, fixed by preload_init() (from the environment). */
struct preload_config {
	const struct lock_desc *subst; /* NULL: profile mode */
	char out_path[4096];           /* "" : no JSON file */
	int top;                       /* rows of the stderr table */
	int frames;                    /* frames per call site */
	bool quiet;                    /* no stderr table */
	bool sites_named;              /* `contend` names the first-locked
	                                  call sites (with debug info) after
	                                  the table: the table leaves them out */
	bool is_main;                  /* the process `contend` started */
};
extern struct preload_config preload_cfg;
/* 0 before, 1 during, 2 after preload_init(). ACQUIRE loads pair with the
 * RELEASE store at the end of preload_init(). */
extern _Atomic int preload_state;
void preload_init(void);

/* The real functions (glibc's, or the next interposer's). */
struct real_fns {
	int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
	int (*mutex_destroy)(pthread_mutex_t *);
	int (*mutex_lock)(pthread_mutex_t *);
	int (*mutex_trylock)(pthread_mutex_t *);
	int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
	int (*mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
	int (*mutex_unlock)(pthread_mutex_t *);
	int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
			      const struct timespec *);
	int (*cond_signal)(pthread_cond_t *);
	int (*cond_broadcast)(pthread_cond_t *);
	void (*exit_)(int) __attribute__((noreturn));
	/* preload/more.c: rwlocks, spinlocks, semaphores, C11 threads. */
	int (*rw_rdlock)(pthread_rwlock_t *);
	int (*rw_tryrdlock)(pthread_rwlock_t *);
	int (*rw_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
	int (*rw_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*rw_wrlock)(pthread_rwlock_t *);
	int (*rw_trywrlock)(pthread_rwlock_t *);
	int (*rw_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
	int (*rw_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*rw_unlock)(pthread_rwlock_t *);
	int (*spin_lock)(pthread_spinlock_t *);
	int (*spin_trylock)(pthread_spinlock_t *);
	int (*spin_unlock)(pthread_spinlock_t *);
	int (*sem_wait)(void *);
	int (*sem_trywait)(void *);
	int (*sem_timedwait)(void *, const struct timespec *);
	int (*sem_clockwait)(void *, clockid_t, const struct timespec *);
	int (*sem_post)(void *);
};
/* preload/more.c: resolves the functions above (those glibc lacks stay
 * NULL). */
void more_resolve(void *(*resolve_opt)(const char *name));
extern struct real_fns real;

/* table.c */
#define TABLE_BITS 18
#define TABLE_SLOTS (1u << TABLE_BITS)
extern _Atomic(struct mutex_rec *) preload_slots[TABLE_SLOTS];

static inline size_t table_slot_of(const void *addr)
{
	/* Fibonacci hashing of the address; the low bits are alignment. */
	return (size_t)(((uintptr_t)addr >> 3) * 0x9E3779B97F4A7C15ull >>
			(64 - TABLE_BITS));
}

/* Memory from anonymous mmap, never returned; NULL when out of memory.
 * Zeroed, aligned to LOCK_PAD (two cache lines). Lock-free. */
void *arena_alloc(size_t size);
/* The record of addr, created (kind from the mutex) if new; NULL if the
 * table is full. */
struct mutex_rec *table_get(const void *addr, enum rec_kind kind_if_new);
/* The record of addr, or NULL if there is none. */
struct mutex_rec *table_find(const void *addr);
/* table_find() for the wrappers' fast path: the first probe inline. */
static inline struct mutex_rec *table_lookup(const void *addr)
{
	/* ACQUIRE: pairs with the RELEASE CAS in table_get(). */
	struct mutex_rec *r = atomic_load_explicit(&preload_slots[table_slot_of(addr)],
						   memory_order_acquire);
	if (__builtin_expect(r != NULL && r->addr == addr, 1))
		return r;
	return r == NULL ? NULL : table_find(addr);
}
/* Calls fn on every record, in table order. */
void table_foreach(void (*fn)(struct mutex_rec *, void *), void *arg);
/* Calls to the wrappers that found the table full. */
extern _Atomic uint64_t table_untracked;
size_t table_capacity(void);

/* interpose.c */
uint64_t preload_now_ns(void);
/* The kind of a glibc mutex from its __kind field. */
enum rec_kind preload_kind_of(const pthread_mutex_t *m);
/* The bookkeeping of the wrappers, for subst.c: after an acquisition
 * (contended: the first try failed, wait_ns: time blocked), after a
 * condition wait re-acquired the mutex, and before a release. The caller
 * holds the mutex in all three. */
void rec_acquired(struct mutex_rec *r, bool contended, uint64_t wait_ns);
/* pthread_mutex_lock/trylock/timedlock/unlock and the condition waits as
 * the wrappers do them, for the C11 mtx_ and cnd_ wrappers (more.c). */
int preload_mutex_lock(pthread_mutex_t *m);
int preload_mutex_trylock(pthread_mutex_t *m);
int preload_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int preload_mutex_unlock(pthread_mutex_t *m);
int preload_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int preload_cond_signal(pthread_cond_t *c, bool broadcast);
void rec_cond_reacquired(struct mutex_rec *r);
void rec_releasing(struct mutex_rec *r);

/* glibc's mutex functions under other names, for the lock sources
 * (compiled with -Dpthread_mutex_lock=contend_real_mutex_lock etc.). */
int contend_real_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int contend_real_mutex_destroy(pthread_mutex_t *m);
int contend_real_mutex_lock(pthread_mutex_t *m);
int contend_real_mutex_trylock(pthread_mutex_t *m);
int contend_real_mutex_unlock(pthread_mutex_t *m);

/* record.c */
/* From the constructor: finds this library's address range and primes
 * backtrace(); call sites and stacks are taken only after it. */
void preload_stack_init(void);
/* Records the call site of r's first lock attempt (once per record). */
void preload_capture_site(struct mutex_rec *r);
/* The caller's stack (our frames left out) into st, for a wait about to
 * happen; st->n is 0 when none can be taken (re-entered, too early). */
void preload_stack(struct stack *st);
/* Adds one wait of wait_ns at stack st (kind: enum wait_kind) to r. */
void rec_wait(struct mutex_rec *r, const struct stack *st, int kind, uint64_t wait_ns);
/* For locks with several holders (rwlock readers, semaphores): the counts
 * of rec_acquired, by atomic adds; read: also counted as the read side's. */
void rec_acquired_shared(struct mutex_rec *r, bool contended, uint64_t wait_ns, bool read);

/* order.c: the lock-order graph. */
#define ORDER_HELD 16      /* nested holds kept per thread */
#define ORDER_EDGE_BITS 12
#define ORDER_EDGES (1u << ORDER_EDGE_BITS)
struct order_thread {
	int n;                /* mutexes held now (may exceed ORDER_HELD) */
	bool have_stack;      /* order_prepare() took stack */
	struct mutex_rec *held[ORDER_HELD];
	struct stack stack;
};
/* An edge from -> to: `to` was acquired (blocking) while `from` was held.
 * key (from's lo_id << 32 | to's) is claimed once by CAS; from, to and the
 * frames (of the first such acquisition, innermost first) are published by
 * the RELEASE store of ready. */
struct order_edge {
	_Atomic uint64_t key;
	_Atomic int ready;
	int nframes;
	struct mutex_rec *from, *to;
	void *frames[PRELOAD_MAX_FRAMES];
};
extern PRELOAD_TLS struct order_thread order_self;
extern struct order_edge order_edges[ORDER_EDGES];
extern _Atomic uint64_t order_edges_dropped; /* edges the table had no room for */
extern _Atomic uint32_t order_next_id;
void order_prepare(struct mutex_rec *r);
void order_edges_add(struct mutex_rec *r);
void order_pop(struct mutex_rec *r);
/* r acquired by this thread: into the held set (plain TLS stores). */
static inline void order_push(struct mutex_rec *r)
{
	struct order_thread *t = &order_self;
	if (__builtin_expect(t->n < ORDER_HELD, 1))
		t->held[t->n] = r;
	t->n++;
}
/* r released: the common case (innermost) inline, the rest in order.c. */
static inline void order_release(struct mutex_rec *r)
{
	struct order_thread *t = &order_self;
	if (__builtin_expect(t->n > 0 && t->n <= ORDER_HELD && t->held[t->n - 1] == r, 1))
		t->n--;
	else if (t->n > 0)
		order_pop(r);
}

/* subst.c */
/* Gives a new record of kind `kind` our lock, when the mode and kind allow. */
void subst_setup(struct mutex_rec *r);
/* Operations on a substituted record; return what pthread_mutex_* would. */
int subst_lock(struct mutex_rec *r);
int subst_trylock(struct mutex_rec *r);
int subst_timedlock(struct mutex_rec *r, clockid_t clk, const struct timespec *abstime);
int subst_unlock(struct mutex_rec *r);
/* pthread_cond_*wait on a substituted mutex; abstime NULL: no timeout. */
int subst_cond_wait(pthread_cond_t *c, struct mutex_rec *r, clockid_t clk,
		    const struct timespec *abstime);
/* pthread_cond_signal/broadcast when substitution is on. */
int subst_cond_signal(pthread_cond_t *c, bool broadcast);
/* fork: prepare / parent / child hooks for subst.c's own state. */
void subst_atfork_prepare(void);
void subst_atfork_parent(void);
void subst_atfork_child(void);
void subst_init(void);

/* report.c */
/* Writes the stderr table and the JSON file once per process; later calls
 * do nothing. */
void report_write(void);
/* Notes the pid and start time of this process's profile. */
void report_init(void);
/* After fork in the child: start the child's own profile. */
void report_reset_child(void);
extern uint64_t report_start_ns;

#endif
