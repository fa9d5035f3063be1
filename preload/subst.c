/*
 * subst.c - substitution mode: a lock of the registry stands in for every
 * normal (and adaptive) glibc mutex of the program.
 *
 * Which mutexes: PTHREAD_MUTEX_NORMAL/DEFAULT and ADAPTIVE_NP, private.
 * Recursive and error-checking mutexes keep glibc's implementation (and so
 * their semantics); so do robust, priority-inheritance, priority-protect and
 * process-shared ones (our lock lives in this process's memory). The report
 * names the implementation of each mutex. The decision is made once, when
 * the record is created (or the address is initialised again), before the
 * record is published, so every thread sees the same implementation.
 *
 * Storage: our lock lives out of line, lock_size bytes from the arena,
 * pointed to by the record; the program's pthread_mutex_t is left as glibc
 * initialised it and never touched, so pthread_mutex_destroy still works.
 *
 * Queue nodes (LOCK_NEEDS_NODE): a thread takes a node from its own free
 * list for each acquisition and stores it in the record (holder_node: only
 * the holder writes it, before it releases). Unlock uses the record's node,
 * so a mutex unlocked by another thread than the locker (glibc allows it for
 * normal mutexes) still works, and then returns the node to the unlocking
 * thread's list. A node is zeroed and passed to thread_init() once, when it
 * is made, and never freed: CLH nodes migrate to whichever thread succeeds
 * their owner, so a node may be referenced by another thread's lock long
 * after "its" thread released it or exited. When a thread exits, its free
 * nodes go to a global list that new threads draw from first, which bounds
 * the leak by the largest number of nodes in use at once. For the same
 * reason a node-passing lock is never initialised in place again when its
 * address is (a mutex destroyed and made anew, as per-job mutexes are): the
 * node inside it may be queued on another lock by then. subst_setup()
 * keeps a lock left released as it is, and replaces one left held.
 *
 * Condition variables: glibc's pthread_cond_wait needs a glibc mutex. Each
 * condition variable waited on with a substituted mutex gets a record of its
 * own (kind REC_COND) holding an internal glibc mutex `im` and a signal
 * counter `seq` (written under im). The waiter does
 *     s0 = seq                   (still holding our lock)
 *     unlock(our lock); lock(im)
 *     if seq == s0: cond_wait(c, im)
 *     unlock(im); lock(our lock)
 * and pthread_cond_signal/broadcast do lock(im); seq++; real signal;
 * unlock(im) once the condition variable has an im.
 * Why no wake-up is lost: the program changes the predicate while holding
 * its mutex (our lock). A signaller that took our lock after the waiter
 * released it increments seq after the waiter read s0 (our lock orders
 * them). Its im section is either before the waiter's - the waiter then sees
 * seq != s0 and returns at once, a spurious wake-up POSIX allows - or after
 * it, when the waiter is already queued on the condition variable (glibc
 * queues it before releasing im), so the signal reaches a blocked waiter.
 * Why not simply hold im across "unlock our lock + cond_wait": a waiter
 * would then sleep on im while holding our lock, and with a spinlock every
 * other thread burns its time slice spinning (measured: 150 s instead of
 * 0.1 s for tests/preload/preload_condvar under mcs on 2 CPUs). Here nobody waits
 * for im while holding our lock except a signaller, for the few
 * instructions other threads hold im, and nobody holding im waits for our
 * lock: no deadlock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "preload.h"

/* Free-list link in front of each node; the node itself starts one cache
 * line later so it keeps the alignment the lock asks for. */
struct node_hdr {
	struct node_hdr *next;
} __attribute__((aligned(LOCK_PAD))); /* the node after it: LOCK_PAD-aligned too */

static PRELOAD_TLS struct node_hdr *free_nodes;
static PRELOAD_TLS bool exit_hook_set;
static struct node_hdr *global_free_nodes; /* under pool_mutex */
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
/* Used by waiters whose condition variable found the table full. */
static pthread_mutex_t cond_fallback_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool cond_fallback_used;

static inline void *node_of(struct node_hdr *h) { return (char *)h + sizeof(*h); }
static inline struct node_hdr *hdr_of(void *node)
{
	return (struct node_hdr *)((char *)node - sizeof(struct node_hdr));
}

/* Thread exit (key destructor): give this thread's free nodes to others. */
static void thread_exit(void *unused)
{
	struct node_hdr *h = free_nodes;
	exit_hook_set = false; /* a later destructor may lock again */
	if (h == NULL)
		return;
	struct node_hdr *last = h;
	while (last->next != NULL)
		last = last->next;
	real.mutex_lock(&pool_mutex);
	last->next = global_free_nodes;
	global_free_nodes = h;
	real.mutex_unlock(&pool_mutex);
	free_nodes = NULL;
}

static void make_exit_key(void)
{
	pthread_key_create(&exit_key, thread_exit);
}

static __attribute__((noinline)) void *node_get_slow(const struct lock_desc *d)
{
	struct node_hdr *h;

	if (!exit_hook_set) {
		pthread_once(&exit_key_once, make_exit_key);
		pthread_setspecific(exit_key, (void *)1);
		exit_hook_set = true;
	}
	real.mutex_lock(&pool_mutex);
	h = global_free_nodes;
	if (h != NULL)
		global_free_nodes = h->next;
	real.mutex_unlock(&pool_mutex);
	if (h != NULL)
		return node_of(h); /* initialised when it was made */
	h = arena_alloc(sizeof(*h) + d->node_size);
	if (h == NULL) {
		static const char msg[] = "contend-preload: out of memory for a lock node\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	if (d->thread_init != NULL)
		d->thread_init(node_of(h));
	return node_of(h);
}

static inline void *node_get(const struct lock_desc *d)
{
	if (!(d->props & LOCK_NEEDS_NODE))
		return NULL;
	struct node_hdr *h = free_nodes;
	if (h == NULL)
		return node_get_slow(d);
	free_nodes = h->next;
	return node_of(h);
}

static inline void node_put(void *node)
{
	if (node == NULL)
		return;
	struct node_hdr *h = hdr_of(node);
	h->next = free_nodes;
	free_nodes = h;
}

/* Forks this process descends from (its own atfork child handlers ran):
 * a lock initialised in an earlier generation may hold nodes of threads
 * that are gone. Written only by the forking thread, before others exist. */
static uint32_t subst_fork_gen;

void subst_init(void)
{
}

void subst_setup(struct mutex_rec *r)
{
	const struct lock_desc *d = preload_cfg.subst;
	int kind = atomic_load_explicit(&r->kind, memory_order_relaxed);
	bool use = d != NULL && (kind == REC_NORMAL || kind == REC_ADAPTIVE);

	if (use && r->lock != NULL && (d->props & LOCK_NEEDS_NODE)) {
		/* Initialised before, for a mutex since destroyed at this
		 * address. A node-passing lock must not be initialised in
		 * place: CLH's nodes migrate, and the node inside the lock
		 * may now be another thread's, queued on another lock (a
		 * reset hangs that lock or breaks its exclusion). A lock left
		 * released is a valid new one as it is. One left held (or
		 * inherited from before a fork: queued waiters that no
		 * longer exist) is abandoned with its nodes, and a fresh one
		 * made: a small leak, only for such re-initialisations. */
		if (atomic_load_explicit(&r->held, memory_order_relaxed) == 0 &&
		    r->lock_fork_gen == subst_fork_gen) {
			r->holder_node = NULL;
			atomic_store_explicit(&r->substituted, true, memory_order_relaxed);
			return;
		}
		r->lock = NULL;
	}
	if (use && r->lock == NULL)
		r->lock = arena_alloc(d->lock_size);
	if (use && r->lock != NULL) {
		r->lock_fork_gen = subst_fork_gen;
		struct lock_params p = { .permits = 1, .spin_budget = 0 };
		use = d->init(r->lock, &p) == 0;
	} else {
		use = false;
	}
	r->holder_node = NULL;
	atomic_store_explicit(&r->substituted, use, memory_order_relaxed);
}

int subst_lock(struct mutex_rec *r)
{
	const struct lock_desc *d = preload_cfg.subst;
	void *node = node_get(d);

	if (d->trylock(r->lock, node)) {
		r->holder_node = node;
		rec_acquired(r, false, 0);
		return 0;
	}
	struct stack st;
	preload_stack(&st);
	uint64_t t0 = preload_now_ns();
	d->lock(r->lock, node);
	r->holder_node = node;
	uint64_t w = preload_now_ns() - t0;
	rec_acquired(r, true, w);
	rec_wait(r, &st, WAIT_LOCK, w);
	return 0;
}

int subst_trylock(struct mutex_rec *r)
{
	const struct lock_desc *d = preload_cfg.subst;
	void *node = node_get(d);

	if (d->trylock(r->lock, node)) {
		r->holder_node = node;
		rec_acquired(r, false, 0);
		return 0;
	}
	node_put(node);
	atomic_fetch_add_explicit(&r->trylock_busy, 1, memory_order_relaxed);
	return EBUSY;
}

static bool past(clockid_t clk, const struct timespec *abstime)
{
	struct timespec now;
	clock_gettime(clk, &now);
	return now.tv_sec > abstime->tv_sec ||
	       (now.tv_sec == abstime->tv_sec && now.tv_nsec >= abstime->tv_nsec);
}

/* Our locks have no timed acquire: poll with trylock, sleeping 20 us
 * between tries, until the deadline. Correct, but a timed waiter gets the
 * lock later than a blocked one would. */
int subst_timedlock(struct mutex_rec *r, clockid_t clk, const struct timespec *abstime)
{
	const struct lock_desc *d = preload_cfg.subst;
	void *node = node_get(d);
	uint64_t t0 = 0;
	struct stack st;

	for (bool first = true;; first = false) {
		if (d->trylock(r->lock, node)) {
			r->holder_node = node;
			uint64_t w = first ? 0 : preload_now_ns() - t0;
			rec_acquired(r, !first, w);
			if (!first)
				rec_wait(r, &st, WAIT_LOCK, w);
			return 0;
		}
		if (first) {
			if (abstime == NULL || abstime->tv_nsec < 0 ||
			    abstime->tv_nsec >= 1000000000) {
				node_put(node);
				return EINVAL;
			}
			preload_stack(&st);
			t0 = preload_now_ns();
		}
		if (past(clk, abstime)) {
			node_put(node);
			atomic_fetch_add_explicit(&r->timeouts, 1, memory_order_relaxed);
			return ETIMEDOUT;
		}
		struct timespec nap = { 0, 20000 };
		nanosleep(&nap, NULL);
	}
}

int subst_unlock(struct mutex_rec *r)
{
	const struct lock_desc *d = preload_cfg.subst;
	/* Read while we still hold the lock: the next holder overwrites it. */
	void *node = r->holder_node;

	rec_releasing(r);
	d->unlock(r->lock, node);
	node_put(node);
	return 0;
}

/* The internal glibc mutex of condition variable c, made on first use. */
static pthread_mutex_t *cond_mutex_of(pthread_cond_t *c, struct mutex_rec **crp)
{
	struct mutex_rec *cr = table_get(c, REC_COND);
	*crp = NULL;
	if (cr == NULL)
		return &cond_fallback_mutex;
	/* ACQUIRE: pairs with the RELEASE CAS below (initialised mutex). */
	pthread_mutex_t *im = atomic_load_explicit(&cr->cond_mutex, memory_order_acquire);
	*crp = cr;
	if (im != NULL)
		return im;
	pthread_mutex_t *mine = arena_alloc(sizeof(*mine));
	if (mine == NULL) {
		*crp = NULL;
		return &cond_fallback_mutex;
	}
	real.mutex_init(mine, NULL);
	/* RELEASE: publishes the initialised mutex; a loser's stays unused. */
	if (atomic_compare_exchange_strong_explicit(&cr->cond_mutex, &im, mine,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return mine;
	return im;
}

static int wait_on(pthread_cond_t *c, pthread_mutex_t *im, clockid_t clk,
		   const struct timespec *abstime)
{
	if (abstime == NULL)
		return real.cond_wait(c, im);
	if (clk == CLOCK_REALTIME)
		return real.cond_timedwait(c, im, abstime);
	return real.cond_clockwait(c, im, clk, abstime);
}

int subst_cond_wait(pthread_cond_t *c, struct mutex_rec *r, clockid_t clk,
		    const struct timespec *abstime)
{
	const struct lock_desc *d = preload_cfg.subst;
	struct mutex_rec *cr;
	pthread_mutex_t *im = cond_mutex_of(c, &cr);
	int rc = 0;

	if (cr == NULL) {
		/* The table is full: no counter. Hold the shared fallback
		 * mutex across our unlock and the wait instead, and make every
		 * signaller without a record take it from now on. Relaxed: our
		 * lock's release publishes it to the signaller that matters. */
		atomic_store_explicit(&cond_fallback_used, true, memory_order_relaxed);
		real.mutex_lock(im);
		subst_unlock(r);
		rc = wait_on(c, im, clk, abstime);
	} else {
		/* Relaxed: our lock orders this read before the increment of a
		 * signaller that takes our lock after we release it; im
		 * orders the second read against the increments. */
		uint64_t s0 = atomic_load_explicit(&cr->cond_seq, memory_order_relaxed);
		subst_unlock(r);
		real.mutex_lock(im);
		if (atomic_load_explicit(&cr->cond_seq, memory_order_relaxed) == s0)
			rc = wait_on(c, im, clk, abstime);
	}
	real.mutex_unlock(im);

	/* The re-take: the woken waiter competes for our lock like any other
	 * acquirer, and may wait long (a fair spinlock behind preempted
	 * waiters). That time is the program's, not the condition's: count
	 * it apart (cond_retake_*), with its stack. */
	void *node = node_get(d);
	if (d->trylock(r->lock, node)) {
		r->holder_node = node;
	} else {
		struct stack st;
		preload_stack(&st);
		uint64_t t0 = preload_now_ns();
		d->lock(r->lock, node);
		r->holder_node = node;
		uint64_t w = preload_now_ns() - t0;
		/* (H) counters: we hold the lock again. */
		atomic_store_explicit(&r->cond_retake_ns,
				      atomic_load_explicit(&r->cond_retake_ns,
							   memory_order_relaxed) + w,
				      memory_order_relaxed);
		atomic_store_explicit(&r->cond_retake_contended,
				      atomic_load_explicit(&r->cond_retake_contended,
							   memory_order_relaxed) + 1,
				      memory_order_relaxed);
		rec_wait(r, &st, WAIT_COND_RETAKE, w);
	}
	rec_cond_reacquired(r);
	return rc;
}

int subst_cond_signal(pthread_cond_t *c, bool broadcast)
{
	struct mutex_rec *cr = table_find(c);
	/* ACQUIRE: pairs with the RELEASE CAS in cond_mutex_of(). */
	pthread_mutex_t *im = cr == NULL ? NULL :
		atomic_load_explicit(&cr->cond_mutex, memory_order_acquire);
	if (im == NULL) {
		if (!atomic_load_explicit(&cond_fallback_used, memory_order_relaxed))
			/* nobody waited with a substituted mutex yet */
			return broadcast ? real.cond_broadcast(c) : real.cond_signal(c);
		real.mutex_lock(&cond_fallback_mutex);
		int rc = broadcast ? real.cond_broadcast(c) : real.cond_signal(c);
		real.mutex_unlock(&cond_fallback_mutex);
		return rc;
	}
	real.mutex_lock(im);
	atomic_store_explicit(&cr->cond_seq,
			      atomic_load_explicit(&cr->cond_seq, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	int rc = broadcast ? real.cond_broadcast(c) : real.cond_signal(c);
	real.mutex_unlock(im);
	return rc;
}

void subst_atfork_prepare(void)
{
	if (real.mutex_lock != NULL)
		real.mutex_lock(&pool_mutex);
}

void subst_atfork_parent(void)
{
	if (real.mutex_unlock != NULL)
		real.mutex_unlock(&pool_mutex);
}

void subst_atfork_child(void)
{
	/* Only the forking thread exists now; the list is consistent
	 * because prepare took its mutex. */
	subst_fork_gen++;
	if (real.mutex_init != NULL)
		real.mutex_init(&pool_mutex, NULL);
	if (real.mutex_init != NULL)
		real.mutex_init(&cond_fallback_mutex, NULL);
}
