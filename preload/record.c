/*
 * record.c - where threads wait, for the records of the wrappers: the call
 * site that first locked a mutex, the stack of a wait about to happen (our
 * own frames left out), and the table of wait sites each contended record
 * keeps; plus the counts of locks with several holders. All of it runs off
 * the uncontended path (interpose.c keeps that one inline).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <sched.h>
#include <string.h>

#include "preload.h"

#define unlikely(x) __builtin_expect(!!(x), 0)

static PRELOAD_TLS bool in_backtrace; /* a backtrace() of ours runs on this thread */
static bool ctor_done; /* backtrace() is primed: safe to take call sites */
static void *our_base; /* load address of this library (dladdr) */
/* The addresses of this library's loaded segments: frames in it are ours. */
static uintptr_t our_lo, our_hi;

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

void preload_stack_init(void)
{
	void *frames[2];
	Dl_info info;

	if (dladdr((void *)preload_stack_init, &info) != 0)
		our_base = info.dli_fbase;
	dl_iterate_phdr(find_our_range, NULL);
	/* The first backtrace() loads libgcc_s; do it here, not inside the
	 * first pthread_mutex_lock, which may run in an allocator. */
	in_backtrace = true;
	backtrace(frames, 2);
	in_backtrace = false;
	ctor_done = true;
}

__attribute__((noinline)) void preload_capture_site(struct mutex_rec *r)
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
