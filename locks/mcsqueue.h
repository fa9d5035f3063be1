/*
 * mcsqueue.h - the MCS queue steps that mcs, mcs-park, mcs-tp and
 * malthusian share, with their memory orders and what each pairs with said
 * once, here. The node types differ (each lock's node has its own wait
 * word), so the steps are macros over any node with an _Atomic next
 * pointer, and the lock's tail is an _Atomic pointer to such nodes.
 *
 * A thread joins by initialising its node (next = NULL and its wait word,
 * relaxed), exchanging it into tail (MCSQ_JOIN) and, behind a predecessor,
 * linking itself into the predecessor's next (MCSQ_LINK). A holder
 * releases by reading its next (MCSQ_NEXT): a successor to hand over to;
 * with none, it swings tail back to NULL (MCSQ_LEAVE_IF_LAST) or, when
 * that fails, waits for the successor that exchanged tail to link itself
 * (MCSQ_NEXT again, in the lock's own waiting policy).
 */
#ifndef CONTEND_MCSQUEUE_H
#define CONTEND_MCSQUEUE_H

#include <stdatomic.h>

/* Join: the predecessor's node, or NULL when the queue was empty (then
 * the lock is ours, or for malthusian the headship). ACQ_REL: RELEASE
 * publishes our node's initialisation (next = NULL, the wait word) to the
 * successor that finds it in tail; ACQUIRE pairs with the RELEASE CAS of
 * MCSQ_LEAVE_IF_LAST() by the last releaser when the queue was empty.
 * Survives check-mutants (locks/MUTANTS.md): needed (without RELEASE our
 * next = NULL or our wait word could land after the successor's link or
 * the predecessor's hand-over on a weakly ordered CPU), but the queue's
 * words are atomic, TSan reads their latest values and x86's exchange is
 * a full barrier. */
#define MCSQ_JOIN(tailp, me) atomic_exchange_explicit((tailp), (me), memory_order_acq_rel)

/* Link behind pred. RELEASE: pairs with the ACQUIRE of MCSQ_NEXT() in the
 * predecessor's release, so that it sees our wait word initialised before
 * it hands over. Survives check-mutants (locks/MUTANTS.md), as does that
 * ACQUIRE: needed, since on a weakly ordered CPU our wait word could land
 * after the predecessor's hand-over and we would wait for ever (a lost
 * hand-over, not a race on plain data), but both are atomic words TSan
 * reads at their latest values, and x86 never shows the reordering. */
#define MCSQ_LINK(pred, me) atomic_store_explicit(&(pred)->next, (me), memory_order_release)

/* Our successor, or NULL if none has linked itself yet. ACQUIRE: pairs
 * with the successor's MCSQ_LINK() (survives check-mutants: see there). */
#define MCSQ_NEXT(me) atomic_load_explicit(&(me)->next, memory_order_acquire)

/* With no linked successor: swing tail from me back to NULL; true when it
 * did (the queue is empty: the lock is free), false when a successor has
 * exchanged tail and is about to link itself. RELEASE: publishes the
 * critical section to the ACQUIRE of MCSQ_JOIN() by the next arrival,
 * which finds the queue empty. */
#define MCSQ_LEAVE_IF_LAST(tailp, me)                                                  \
	__extension__({                                                                 \
		__typeof__(me) mcsq_expected_ = (me);                                   \
		atomic_compare_exchange_strong_explicit((tailp), &mcsq_expected_, NULL, \
							memory_order_release,           \
							memory_order_relaxed);          \
	})

#endif
