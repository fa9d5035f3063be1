/*
 * lock_define.h - LOCK_DEFINE, which turns a lock file's static inline
 * operations into its descriptor and its measured loop (harness/hotloop.h,
 * with the lock's functions inlined). Included by the lock files (locks/<algo>.c) and by test
 * locks only; users of locks include lock.h. Built with LOCK_NO_HOT_LOOP
 * (the preload library) the descriptor has no loop.
 */
#ifndef CONTEND_LOCK_DEFINE_H
#define CONTEND_LOCK_DEFINE_H

#include "lock.h"

/*
 * LOCK_DEFINE(sym, ...) ends each lock file. The file provides
 *   static inline int  sym_init(void *lock, const struct lock_params *p);
 *   static inline void sym_destroy(void *lock);
 *   static inline void sym_lock(void *lock, void *node);
 *   static inline bool sym_trylock(void *lock, void *node);
 *   static inline void sym_unlock(void *lock, void *node);
 * and the macro emits the descriptor lock_desc_sym plus the lock's measured
 * loop. Optional operations are given as designated initialisers in the
 * variadic tail (e.g. .thread_init = sym_thread_init).
 */
#ifdef LOCK_NO_HOT_LOOP
#define LOCK_HOT_LOOP_DEFINE(sym)
#define LOCK_HOT_LOOP_FIELDS(sym) .hot_loop = NULL, .bare_loop = NULL,
#else
#include "hotloop.h"
#define LOCK_HOT_LOOP_DEFINE(sym) HOT_LOOP_DEFINE(sym)
#define LOCK_HOT_LOOP_FIELDS(sym) .hot_loop = sym##_hot_loop, .bare_loop = sym##_bare_loop,
#endif

#define LOCK_DEFINE(sym, cli_name, desc, orig, fam, properties, lsize, nsize, ...) \
	LOCK_HOT_LOOP_DEFINE(sym)                                                    \
	const struct lock_desc lock_desc_##sym = {                                   \
		.name = cli_name,                                                    \
		.description = desc,                                                 \
		.origin = orig,                                                      \
		.family = fam,                                                       \
		.props = properties,                                                 \
		.lock_size = lsize,                                                  \
		.node_size = nsize,                                                  \
		.init = sym##_init,                                                  \
		.destroy = sym##_destroy,                                            \
		.lock = sym##_lock,                                                  \
		.trylock = sym##_trylock,                                            \
		.unlock = sym##_unlock,                                              \
		LOCK_HOT_LOOP_FIELDS(sym)                                            \
		__VA_ARGS__                                                          \
	}

#endif
