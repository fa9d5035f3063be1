/* probe.c - see probe.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "lock.h"
#include "probe.h"
#include "stats.h"
#include "topo.h"

#define PROBE_BATCHES 7
#define PROBE_ROUNDS 200

struct pingpong {
	_Atomic uint64_t seq __attribute__((aligned(LOCK_PAD)));
	_Atomic int ready;
	int cpu_b;
	int pin_failed;
};

/* The responder: answers every odd sequence number with the next even one. */
static void *responder(void *arg)
{
	struct pingpong *pp = arg;
	char err[128];
	uint64_t last = (uint64_t)PROBE_BATCHES * PROBE_ROUNDS * 2;

	if (topo_pin_self(pp->cpu_b, err, sizeof(err)) != 0) {
		pp->pin_failed = 1;
		atomic_store(&pp->ready, 1);
		return NULL;
	}
	atomic_store(&pp->ready, 1);
	for (uint64_t want = 1; want < last; want += 2) {
		/* ACQUIRE/RELEASE: the sequence number is the message; the
		 * orders only keep the exchange honest on weak machines. */
		while (atomic_load_explicit(&pp->seq, memory_order_acquire) != want)
			lock_cpu_relax();
		atomic_store_explicit(&pp->seq, want + 1, memory_order_release);
	}
	return NULL;
}

double probe_rtt_ns(int cpu_a, int cpu_b, const struct tsc_info *ti)
{
	struct pingpong *pp;
	pthread_t tid;
	double batch_ns[PROBE_BATCHES];
	cpu_set_t saved;
	char err[128];
	double result = NAN;

	if (cpu_a < 0 || cpu_b < 0 || cpu_a == cpu_b)
		return NAN;
	if (pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0)
		return NAN;
	pp = aligned_alloc(LOCK_PAD, sizeof(*pp));
	if (pp == NULL)
		return NAN;
	atomic_init(&pp->seq, 0);
	atomic_init(&pp->ready, 0);
	pp->cpu_b = cpu_b;
	pp->pin_failed = 0;
	if (topo_pin_self(cpu_a, err, sizeof(err)) != 0 ||
	    pthread_create(&tid, NULL, responder, pp) != 0) {
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
		free(pp);
		return NAN;
	}
	while (!atomic_load(&pp->ready))
		lock_cpu_relax();
	if (!pp->pin_failed) {
		uint64_t seq = 0;
		for (int b = 0; b < PROBE_BATCHES; b++) {
			uint64_t t0 = tsc_now();
			for (int r = 0; r < PROBE_ROUNDS; r++) {
				atomic_store_explicit(&pp->seq, ++seq, memory_order_release);
				++seq;
				while (atomic_load_explicit(&pp->seq, memory_order_acquire) != seq)
					lock_cpu_relax();
			}
			batch_ns[b] = tsc_cycles_to_ns(ti, tsc_now() - t0) / PROBE_ROUNDS;
		}
		struct summary s;
		stats_summarize(batch_ns, PROBE_BATCHES, &s);
		result = s.median;
	}
	pthread_join(tid, NULL);
	pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	free(pp);
	return result;
}
