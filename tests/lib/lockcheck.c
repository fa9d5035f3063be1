/* lockcheck.c - see lockcheck.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lockcheck.h"

/* Shared state written inside the critical section. Plain (non-atomic)
 * fields on purpose: the lock alone must order them, and ThreadSanitizer
 * reports a race on them when it does not. volatile keeps the compiler from
 * merging the read and the write that are meant to race under a broken lock. */
struct shared {
	volatile uint64_t counter;
	volatile unsigned owner;
	char pad1[LOCK_PAD];
	_Atomic unsigned occupancy;
	char pad2[LOCK_PAD];
	_Atomic uint64_t progress;   /* acquisitions so far, for the watchdog */
	_Atomic int stop;
	_Atomic unsigned finished;   /* workers that left their loop */
	char pad3[LOCK_PAD];
} __attribute__((aligned(LOCK_PAD))); /* aligned_alloc: size a multiple of LOCK_PAD */

struct worker {
	const struct lockcheck_config *cfg;
	void *lock;
	struct shared *sh;
	pthread_barrier_t *barrier;
	unsigned id;
	uint64_t acquisitions;
	uint64_t violations;
	unsigned max_occupancy;
	uint64_t try_ok, try_fail;
	struct lock_stats stats;
	void *node;                  /* freed by lockcheck_run() after the join */
	pthread_t tid;
} __attribute__((aligned(LOCK_PAD)));

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void sleep_us(unsigned us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *alloc_node(const struct lock_desc *d)
{
	if (!(d->props & LOCK_NEEDS_NODE))
		return NULL;
	size_t size = (d->node_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	void *node = aligned_alloc(LOCK_PAD, size);
	if (node == NULL)
		return NULL;
	memset(node, 0, size);
	if (d->thread_init)
		d->thread_init(node);
	return node;
}

static void critical_section(struct worker *w)
{
	struct shared *sh = w->sh;
	const struct lockcheck_config *cfg = w->cfg;
	unsigned occ = atomic_fetch_add_explicit(&sh->occupancy, 1, memory_order_relaxed) + 1;

	if (occ > cfg->permits)
		w->violations++;
	if (occ > w->max_occupancy)
		w->max_occupancy = occ;
	if (cfg->permits == 1) {
		uint64_t v = sh->counter;
		sh->owner = w->id;
		/* Widen the window in which an overlapping holder would
		 * interleave. */
		for (int i = 0; i < 4; i++)
			lock_cpu_relax();
		sh->counter = v + 1;
		if (sh->owner != w->id)
			w->violations++;
	}
	if (cfg->cs_sleep_every && w->acquisitions % cfg->cs_sleep_every == 0)
		sleep_us(cfg->cs_sleep_us);
	atomic_fetch_sub_explicit(&sh->occupancy, 1, memory_order_relaxed);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct lockcheck_config *cfg = w->cfg;
	const struct lock_desc *d = cfg->lock;
	void *node = w->node = alloc_node(d);
	double deadline;

	if ((d->props & LOCK_NEEDS_NODE) && node == NULL) {
		fprintf(stderr, "lockcheck: out of memory for a node\n");
		abort();
	}
	memset(&lock_thread_stats, 0, sizeof(lock_thread_stats));
	pthread_barrier_wait(w->barrier);
	deadline = now_seconds() + cfg->seconds;

	while (w->acquisitions < cfg->max_iterations &&
	       !atomic_load_explicit(&w->sh->stop, memory_order_relaxed)) {
		bool use_try = cfg->trylock_every &&
			       w->acquisitions % cfg->trylock_every == 0;
		if (use_try && d->trylock(w->lock, node)) {
			w->try_ok++;
		} else {
			if (use_try)
				w->try_fail++;
			d->lock(w->lock, node);
		}
		critical_section(w);
		d->unlock(w->lock, node);
		w->acquisitions++;
		atomic_fetch_add_explicit(&w->sh->progress, 1, memory_order_relaxed);

		if (cfg->ncs_sleep_every && w->acquisitions % cfg->ncs_sleep_every == 0)
			sleep_us(cfg->ncs_sleep_us);
		/* Reading the clock every acquisition would dominate short
		 * critical sections; every 8th is plenty for a deadline. */
		if ((w->acquisitions & 7) == 0 && now_seconds() > deadline)
			break;
	}
	w->stats = lock_thread_stats;
	atomic_fetch_add(&w->sh->finished, 1);
	/* CLH nodes migrate to other threads: lockcheck_run() frees every
	 * node once all workers are joined. */
	return NULL;
}

int lockcheck_run(const struct lockcheck_config *cfg, struct lockcheck_result *res)
{
	const struct lock_desc *d = cfg->lock;
	struct lock_params params = { .permits = cfg->permits, .spin_budget = 0 };
	size_t lock_bytes = (d->lock_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	void *lock = aligned_alloc(LOCK_PAD, lock_bytes);
	struct shared *sh = aligned_alloc(LOCK_PAD, sizeof(*sh));
	struct worker *workers = aligned_alloc(LOCK_PAD, sizeof(*workers) * cfg->threads);
	pthread_barrier_t barrier;
	double start;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!lock || !sh || !workers) {
		fprintf(stderr, "lockcheck: out of memory\n");
		return -1;
	}
	memset(lock, 0, lock_bytes);
	memset(sh, 0, sizeof(*sh));
	memset(workers, 0, sizeof(*workers) * cfg->threads);
	if ((rc = d->init(lock, &params)) != 0) {
		fprintf(stderr, "lockcheck: %s: init failed: %s\n", d->name, strerror(rc));
		return -1;
	}
	pthread_barrier_init(&barrier, NULL, cfg->threads + 1);
	for (unsigned i = 0; i < cfg->threads; i++) {
		struct worker *w = &workers[i];
		w->cfg = cfg;
		w->lock = lock;
		w->sh = sh;
		w->barrier = &barrier;
		w->id = i + 1;
		if ((rc = pthread_create(&w->tid, NULL, worker_main, w)) != 0) {
			fprintf(stderr, "lockcheck: pthread_create: %s\n", strerror(rc));
			exit(1); /* threads already started wait on the barrier */
		}
	}
	pthread_barrier_wait(&barrier);
	start = now_seconds();

	/* The watchdog: this thread samples progress while the workers run. */
	if (cfg->watchdog_seconds > 0) {
		uint64_t last = 0;
		double last_change = start;
		while (atomic_load(&sh->finished) < cfg->threads) {
			sleep_us(20000);
			uint64_t p = atomic_load(&sh->progress);
			double t = now_seconds();
			if (p != last) {
				last = p;
				last_change = t;
			} else if (t - last_change > cfg->watchdog_seconds) {
				res->stalled = true;
				if (d->describe)
					d->describe(lock, res->stall_report,
						    sizeof(res->stall_report));
				else
					snprintf(res->stall_report, sizeof(res->stall_report),
						 "(lock has no describe())");
				fprintf(stderr, "lockcheck: FAIL %s with %u threads: no progress "
					"for %.0f s after %llu acquisitions; lock state: %s\n",
					d->name, cfg->threads, cfg->watchdog_seconds,
					(unsigned long long)p, res->stall_report);
				/* The workers are stuck: joining them would hang. */
				exit(1);
			}
		}
	}
	for (unsigned i = 0; i < cfg->threads; i++)
		pthread_join(workers[i].tid, NULL);
	res->elapsed = now_seconds() - start;
	for (unsigned i = 0; i < cfg->threads; i++)
		free(workers[i].node);

	for (unsigned i = 0; i < cfg->threads; i++) {
		struct worker *w = &workers[i];
		res->acquisitions += w->acquisitions;
		res->violations += w->violations;
		if (w->max_occupancy > res->max_occupancy)
			res->max_occupancy = w->max_occupancy;
		res->trylock_successes += w->try_ok;
		res->trylock_failures += w->try_fail;
		res->futex_waits += w->stats.futex_waits;
		res->futex_wakes += w->stats.futex_wakes;
		res->futex_sleeps += w->stats.futex_sleeps;
		res->spins += w->stats.spins;
	}
	res->counter = sh->counter;

	/* With everybody gone, a counting lock must have exactly K permits. */
	res->permits_intact = true;
	if (d->props & LOCK_COUNTING) {
		unsigned got = 0;
		while (got <= cfg->permits && d->trylock(lock, NULL))
			got++;
		res->permits_intact = got == cfg->permits;
		for (unsigned i = 0; i < got; i++)
			d->unlock(lock, NULL);
	}
	d->destroy(lock);
	pthread_barrier_destroy(&barrier);
	free(workers);
	free(sh);
	free(lock);
	return 0;
}

bool lockcheck_passed(const struct lockcheck_config *cfg,
		      const struct lockcheck_result *res)
{
	if (res->violations || res->stalled || !res->permits_intact)
		return false;
	if (cfg->permits == 1 && res->counter != res->acquisitions)
		return false;
	return res->acquisitions > 0;
}

void lockcheck_run_print(const struct lockcheck_config *cfg, struct lockcheck_result *res)
{
	if (lockcheck_run(cfg, res) != 0) {
		printf("Bail out! lockcheck: %s x%u could not be set up\n", cfg->lock->name,
		       cfg->threads);
		exit(1);
	}
	lockcheck_print(cfg, res);
}

void lockcheck_print(const struct lockcheck_config *cfg,
		     const struct lockcheck_result *res)
{
	/* A TAP comment: the test's own ok / not ok line follows. */
	printf("# %-4s %-17s threads=%-2u K=%u acq=%-8llu counter=%-8llu violations=%llu "
	       "max_occ=%u try=%llu/%llu futex_waits=%llu sleeps=%llu permits=%s %.2fs\n",
	       lockcheck_passed(cfg, res) ? "pass" : "FAIL", cfg->lock->name,
	       cfg->threads, cfg->permits, (unsigned long long)res->acquisitions,
	       (unsigned long long)res->counter, (unsigned long long)res->violations,
	       res->max_occupancy, (unsigned long long)res->trylock_successes,
	       (unsigned long long)(res->trylock_successes + res->trylock_failures),
	       (unsigned long long)res->futex_waits, (unsigned long long)res->futex_sleeps,
	       res->permits_intact ? "intact" : "WRONG", res->elapsed);
	fflush(stdout);
}

/*
 * lockcheck_handoff(): see lockcheck.h.
 */
struct handoff {
	const struct lock_desc *d;
	void *lock;
	unsigned rounds;
	_Atomic unsigned holding, trying, got; /* round numbers, from 1 */
	unsigned slept_rounds;                 /* written by the waiter */
	void *holder_node, *waiter_node;
	_Atomic long waiter_tid;
};

/* true when the thread is runnable (state R in /proc): late only because
 * the machine is busy, not asleep. Unknown counts as not runnable. */
static bool thread_runnable(long tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", tid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the name may hold spaces */
	return p != NULL && p[1] == ' ' && p[2] == 'R';
}

static void *handoff_waiter(void *arg)
{
	struct handoff *h = arg;
	void *node = h->waiter_node = alloc_node(h->d);

	atomic_store(&h->waiter_tid, (long)syscall(SYS_gettid));

	for (unsigned r = 1; r <= h->rounds; r++) {
		while (atomic_load(&h->holding) < r)
			sleep_us(50);
		uint64_t s0 = lock_thread_stats.futex_sleeps;
		atomic_store(&h->trying, r);
		h->d->lock(h->lock, node);
		if (lock_thread_stats.futex_sleeps > s0)
			h->slept_rounds++;
		atomic_store(&h->got, r);
		h->d->unlock(h->lock, node);
	}
	return NULL;
}

int lockcheck_handoff(const struct lock_desc *d, unsigned rounds,
		      struct lockcheck_handoff_result *res)
{
	struct lock_params params = { .permits = 1, .spin_budget = 0 };
	size_t lock_bytes = (d->lock_size + LOCK_PAD - 1) / LOCK_PAD * LOCK_PAD;
	struct handoff *h = calloc(1, sizeof(*h));
	void *node;
	pthread_t waiter;
	int rc;

	memset(res, 0, sizeof(*res));
	if (h == NULL || (h->lock = aligned_alloc(LOCK_PAD, lock_bytes)) == NULL) {
		fprintf(stderr, "lockcheck: out of memory\n");
		return -1;
	}
	memset(h->lock, 0, lock_bytes);
	/* In h, so that a waiter stuck for good keeps it all reachable. */
	node = h->holder_node = alloc_node(d);
	h->d = d;
	h->rounds = rounds;
	if ((rc = d->init(h->lock, &params)) != 0) {
		fprintf(stderr, "lockcheck: %s: init failed: %s\n", d->name, strerror(rc));
		return -1;
	}
	if ((rc = pthread_create(&waiter, NULL, handoff_waiter, h)) != 0) {
		fprintf(stderr, "lockcheck: pthread_create: %s\n", strerror(rc));
		return -1;
	}
	for (unsigned r = 1; r <= rounds; r++) {
		d->lock(h->lock, node);
		atomic_store(&h->holding, r);
		while (atomic_load(&h->trying) < r)
			sleep_us(50);
		sleep_us(LOCKCHECK_HANDOFF_HOLD_US);
		double released = now_seconds(), gap;
		d->unlock(h->lock, node);
		/* Past the timeout, a waiter that is runnable is only waiting
		 * for a CPU: give it up to 30 s more before calling it lost. */
		while (atomic_load(&h->got) < r &&
		       (now_seconds() - released < LOCKCHECK_HANDOFF_TIMEOUT_S ||
			(now_seconds() - released < 30 &&
			 thread_runnable(atomic_load(&h->waiter_tid)))))
			sleep_us(100);
		gap = now_seconds() - released;
		res->rounds = r;
		if (atomic_load(&h->got) < r) {
			static struct handoff *stuck; /* reachable for leak checkers */
			stuck = h;
			(void)stuck;
			res->lost_wakeup = true;
			res->max_gap_s = gap;
			pthread_detach(waiter); /* asleep for good */
			return 0;
		}
		if (gap > res->max_gap_s)
			res->max_gap_s = gap;
	}
	pthread_join(waiter, NULL);
	res->slept_rounds = h->slept_rounds;
	d->destroy(h->lock);
	/* Both threads are done: nodes that migrated (CLH) are free too. */
	free(h->holder_node);
	free(h->waiter_node);
	free(h->lock);
	free(h);
	return 0;
}
