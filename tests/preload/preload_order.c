/*
 * preload_order.c - lock orders for the lock-order graph of `contend
 * profile` (tests/preload/profile_order.sh). Built with -g. The threads run
 * one after the other (each joined before the next starts), so no run can
 * deadlock, whatever the order.
 *
 * Usage: preload_order cycle | ordered | trylock | three
 *   cycle: take_ab() locks a then b; later take_ba() locks b then a: a
 *     potential deadlock, a -> b -> a.
 *   ordered: take_ab() twice, from two threads: a consistent order, nothing
 *     to report.
 *   trylock: take_ab(); then try_ba() holds b and trylocks a: a trylock
 *     cannot block, so this is no deadlock.
 *   three: a -> b, b -> c, c -> a, from three threads: a cycle of three.
 * Prints "MODE done".
 */
#include "preload_common.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;

/* Locks first, then second (the line the profile must name is marked). */
static __attribute__((noinline)) void nest(pthread_mutex_t *first, pthread_mutex_t *second)
{
	CHECK(pthread_mutex_lock(first) == 0);
	CHECK(pthread_mutex_lock(second) == 0); /* NEST_LINE */
	CHECK(pthread_mutex_unlock(second) == 0);
	CHECK(pthread_mutex_unlock(first) == 0);
}

static __attribute__((noinline)) void *take_ab(void *arg)
{
	(void)arg;
	nest(&a, &b);
	return NULL;
}

static __attribute__((noinline)) void *take_ba(void *arg)
{
	(void)arg;
	nest(&b, &a);
	return NULL;
}

static __attribute__((noinline)) void *take_bc(void *arg)
{
	(void)arg;
	nest(&b, &c);
	return NULL;
}

static __attribute__((noinline)) void *take_ca(void *arg)
{
	(void)arg;
	nest(&c, &a);
	return NULL;
}

static __attribute__((noinline)) void *try_ba(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_lock(&b) == 0);
	if (pthread_mutex_trylock(&a) == 0)
		CHECK(pthread_mutex_unlock(&a) == 0);
	CHECK(pthread_mutex_unlock(&b) == 0);
	return NULL;
}

static void one(void *(*fn)(void *))
{
	run_threads(1, fn, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "cycle") == 0) {
		one(take_ab);
		one(take_ba);
	} else if (strcmp(mode, "ordered") == 0) {
		one(take_ab);
		one(take_ab);
	} else if (strcmp(mode, "trylock") == 0) {
		one(take_ab);
		one(try_ba);
	} else if (strcmp(mode, "three") == 0) {
		one(take_ab);
		one(take_bc);
		one(take_ca);
	} else {
		fprintf(stderr, "usage: preload_order cycle|ordered|trylock|three\n");
		return 2;
	}
	printf("%s done\n", mode);
	return 0;
}
