/*
 * posix_sem.c - glibc's POSIX semaphore (sem_t) as a baseline counting
 * lock: sem_wait takes a permit, sem_post returns it. Initialised with
 * lock_params.permits (K = 1: binary). Not fair.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <semaphore.h>

#include "lock_define.h"

static inline int posix_sem_init(void *lk, const struct lock_params *p)
{
	unsigned k = p ? p->permits : 1;
	return sem_init(lk, 0, k) == 0 ? 0 : errno;
}

static inline void posix_sem_destroy(void *lk)
{
	if (sem_destroy(lk) != 0)
		lock_fail("posix-sem", "sem_destroy", errno);
}

/* Every error but the ones named fails loudly: retrying on EINVAL would
 * spin for ever on a semaphore that is not one. */
static inline void posix_sem_lock(void *lk, void *node)
{
	/* EINTR: a signal handler ran; the permit was not taken. */
	while (sem_wait(lk) != 0)
		if (errno != EINTR)
			lock_fail("posix-sem", "sem_wait", errno);
}

static inline bool posix_sem_trylock(void *lk, void *node)
{
	if (sem_trywait(lk) == 0)
		return true;
	if (errno != EAGAIN && errno != EINTR)
		lock_fail("posix-sem", "sem_trywait", errno);
	return false;
}

/* EOVERFLOW: more posts than the semaphore can count (an unlock without
 * its lock). */
static inline void posix_sem_unlock(void *lk, void *node)
{
	if (sem_post(lk) != 0)
		lock_fail("posix-sem", "sem_post", errno);
}

LOCK_DEFINE(posix_sem, "posix-sem", "glibc POSIX semaphore sem_t (--permits K)",
	    "POSIX sem_wait/sem_post, glibc nptl", LOCK_FAMILY_BASELINE,
	    LOCK_MAY_SLEEP | LOCK_COUNTING | LOCK_PEER, sizeof(sem_t), 0);
