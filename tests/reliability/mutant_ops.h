/*
 * mutant_ops.h - what tests/reliability/mutants.sh puts in place of an
 * operation for its structural mutants (beyond weakening an order, which
 * is a text substitution): a mutated lock file includes this first.
 *
 * mutant_split_<rmw>(): a read-modify-write done as a load and a store,
 * each seq_cst (so only the atomicity is lost, not any ordering), with a
 * yield between them to widen the window another thread can fall into.
 * mutant_drop_fence(): a fence that is not there.
 */
#ifndef CONTEND_MUTANT_OPS_H
#define CONTEND_MUTANT_OPS_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#define mutant_value_type_(p) __typeof__(atomic_load_explicit((p), memory_order_relaxed))

#define mutant_split_op_(p, v, expr)                                                   \
	__extension__({                                                                 \
		__typeof__(p) mutant_p_ = (p);                                          \
		mutant_value_type_(mutant_p_) mutant_old_ =                             \
			atomic_load_explicit(mutant_p_, memory_order_seq_cst);          \
		sched_yield();                                                          \
		atomic_store_explicit(mutant_p_, (expr), memory_order_seq_cst);         \
		mutant_old_;                                                            \
	})

#define mutant_split_exchange(p, v, mo) mutant_split_op_(p, v, (v))
#define mutant_split_fetch_add(p, v, mo) mutant_split_op_(p, v, mutant_old_ + (v))
#define mutant_split_fetch_sub(p, v, mo) mutant_split_op_(p, v, mutant_old_ - (v))
#define mutant_split_fetch_or(p, v, mo) mutant_split_op_(p, v, mutant_old_ | (v))
#define mutant_split_fetch_and(p, v, mo) mutant_split_op_(p, v, mutant_old_ & (v))

#define mutant_split_cas_(p, e, d)                                                      \
	__extension__({                                                                 \
		__typeof__(p) mutant_p_ = (p);                                          \
		__typeof__(e) mutant_e_ = (e);                                          \
		mutant_value_type_(mutant_p_) mutant_old_ =                             \
			atomic_load_explicit(mutant_p_, memory_order_seq_cst);          \
		bool mutant_ok_ = mutant_old_ == *mutant_e_;                            \
		if (mutant_ok_) {                                                       \
			sched_yield();                                                  \
			atomic_store_explicit(mutant_p_, (d), memory_order_seq_cst);    \
		} else {                                                                \
			*mutant_e_ = mutant_old_;                                       \
		}                                                                       \
		mutant_ok_;                                                             \
	})
#define mutant_split_compare_exchange_strong(p, e, d, s, f) mutant_split_cas_(p, e, d)
#define mutant_split_compare_exchange_weak(p, e, d, s, f) mutant_split_cas_(p, e, d)

#define mutant_drop_fence(mo) ((void)0)

#endif
