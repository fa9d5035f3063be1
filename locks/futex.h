/*
 * futex.h - the futex system calls used by the sleeping locks, counted into
 * lock_thread_stats so the harness can report waits and wakes per acquisition.
 *
 * A futex call is a synchronisation that ThreadSanitizer cannot see: the
 * kernel compares *addr with the expected value. Every lock that sleeps
 * re-reads its lock word with an atomic operation after the wait returns,
 * so the happens-before edges TSan needs come from those atomics, not from
 * the system call.
 */
#ifndef CONTEND_FUTEX_H
#define CONTEND_FUTEX_H

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock.h"

/* Sleep while *addr == expected. Returns on wake-up, on a changed value
 * (EAGAIN), or on a signal (EINTR): callers always re-check the lock word.
 * A call that did not return EAGAIN was queued in the kernel: it counts as
 * a sleep too, so tests can tell a sleep path really taken from one that
 * only raced with the owner. */
static inline void lock_futex_wait(_Atomic uint32_t *addr, uint32_t expected)
{
	lock_thread_stats.futex_waits++;
	if (syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expected,
		    NULL, NULL, 0) == 0 || errno != EAGAIN)
		lock_thread_stats.futex_sleeps++;
}

/* Wake up to n sleepers on addr. Safe on memory that was freed after the
 * caller's last atomic access: the kernel returns EFAULT or wakes nobody. */
static inline void lock_futex_wake(_Atomic uint32_t *addr, int n)
{
	lock_thread_stats.futex_wakes++;
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL,
		NULL, 0);
}

#endif
