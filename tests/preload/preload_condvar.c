/*
 * preload_condvar.c - producers and consumers on a bounded buffer guarded by
 * one mutex and two condition variables, using every wait the preload
 * library interposes (wait, timedwait, clockwait) and both signal and
 * broadcast. A lost wake-up hangs (the test's timeout catches it); a broken
 * lock loses or duplicates items (the sum check catches it).
 *
 * Usage: preload_condvar [ITEMS_PER_PRODUCER [PRODUCERS CONSUMERS]]
 *        (default 20000 2 2; prints "sum=N")
 */
#include "preload_common.h"

#include <errno.h>
#include <time.h>

#define MAX_THREADS 8
#define SLOTS 4

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static long buffer[SLOTS];
static int head, count, producers_left;
static long items = 20000;

static void deadline(clockid_t clk, struct timespec *ts)
{
	clock_gettime(clk, ts);
	ts->tv_sec += 30;
}

static void *producer(void *arg)
{
	for (long i = 1; i <= items; i++) {
		pthread_mutex_lock(&mutex);
		while (count == SLOTS) {
			struct timespec ts;
			deadline(CLOCK_REALTIME, &ts);
			int rc = pthread_cond_timedwait(&not_full, &mutex, &ts);
			CHECK(rc == 0 || rc == ETIMEDOUT);
		}
		buffer[(head + count) % SLOTS] = i;
		count++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&mutex);
	}
	pthread_mutex_lock(&mutex);
	producers_left--;
	pthread_cond_broadcast(&not_empty); /* consumers must see the end */
	pthread_mutex_unlock(&mutex);
	return NULL;
}

struct consumer {
	long id;
	long sum;
};

static void *consumer(void *arg)
{
	struct consumer *c = arg;
	for (;;) {
		pthread_mutex_lock(&mutex);
		while (count == 0 && producers_left > 0) {
			if (c->id == 0) {
				pthread_cond_wait(&not_empty, &mutex);
			} else {
				struct timespec ts;
				deadline(CLOCK_MONOTONIC, &ts);
				int rc = pthread_cond_clockwait(&not_empty, &mutex,
								CLOCK_MONOTONIC, &ts);
				CHECK(rc == 0 || rc == ETIMEDOUT);
			}
		}
		if (count == 0) {
			pthread_mutex_unlock(&mutex);
			return NULL;
		}
		c->sum += buffer[head];
		head = (head + 1) % SLOTS;
		count--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&mutex);
	}
}

int main(int argc, char **argv)
{
	int producers = 2, consumers = 2;
	struct consumer cons[MAX_THREADS];
	pthread_t p[MAX_THREADS], c[MAX_THREADS];

	if (argc > 1)
		items = atol(argv[1]);
	if (argc > 3) {
		producers = atoi(argv[2]);
		consumers = atoi(argv[3]);
	}
	CHECK(items > 0 && producers > 0 && producers <= MAX_THREADS &&
	      consumers > 0 && consumers <= MAX_THREADS);
	producers_left = producers;
	for (int i = 0; i < consumers; i++) {
		cons[i] = (struct consumer){ .id = i };
		CHECK(pthread_create(&c[i], NULL, consumer, &cons[i]) == 0);
	}
	for (int i = 0; i < producers; i++) {
		CHECK(pthread_create(&p[i], NULL, producer, NULL) == 0);
	}
	for (int i = 0; i < producers; i++)
		CHECK(pthread_join(p[i], NULL) == 0);
	long sum = 0;
	for (int i = 0; i < consumers; i++) {
		CHECK(pthread_join(c[i], NULL) == 0);
		sum += cons[i].sum;
	}
	CHECK(sum == producers * items * (items + 1) / 2);
	printf("sum=%ld\n", sum);
	return 0;
}
