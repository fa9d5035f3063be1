/*
 * counters.h - per-thread operating-system counters: context switches from
 * getrusage(RUSAGE_THREAD), and perf_event_open counters of the calling
 * thread: software events (context switches, CPU migrations) and, where the
 * PMU allows, hardware events (cycles, instructions, cache misses).
 *
 * Availability is probed once (counters_probe) and recorded with the reason
 * when an event class cannot be opened, so results say null + why instead of
 * a zero that looks like a measurement.
 */
#ifndef CONTEND_COUNTERS_H
#define CONTEND_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum { PERF_SW_CSW, PERF_SW_MIGRATIONS, PERF_HW_CYCLES, PERF_HW_INSTRUCTIONS,
       PERF_HW_CACHE_MISSES, PERF_NEVENTS };

struct counters_availability {
	bool sw, hw;
	char sw_reason[160]; /* why sw is false */
	char hw_reason[160]; /* why hw is false */
};

/* Open (and close) one event of each class on the calling thread. */
void counters_probe(struct counters_availability *av);

/* One thread's open perf events (fd -1 = not open). Each class (software,
 * hardware) is one group: its events are scheduled onto the PMU together,
 * so their ratios (instructions per cycle) come from the same intervals. */
struct perf_thread {
	int fd[PERF_NEVENTS];
	int leader[PERF_NEVENTS];    /* index of the event's group leader */
};

/* Open the available events for the calling thread. An event that fails
 * here although the probe succeeded (e.g. out of file descriptors) stays -1
 * and its values read as missing. */
void perf_thread_open(struct perf_thread *p, const struct counters_availability *av);
void perf_thread_close(struct perf_thread *p);

/* One read of a thread's events: raw counts (-1 = not open or unreadable)
 * and how long each was enabled and actually counting (ns). With more
 * events than the PMU has counters the kernel multiplexes them: running <
 * enabled. */
struct perf_reading {
	int64_t value[PERF_NEVENTS];
	uint64_t enabled[PERF_NEVENTS], running[PERF_NEVENTS];
};
void perf_thread_read(const struct perf_thread *p, struct perf_reading *r);

/*
 * The count of an event between two readings, scaled to the time it was
 * enabled when it was multiplexed (count x enabled / running over the
 * interval), or -1 when it cannot be given: not read at both ends, or
 * never counting in between (running did not advance although enabled did).
 */
int64_t perf_window_count(const struct perf_reading *a, const struct perf_reading *b, int event);

/* Voluntary and involuntary context switches of thread tid of this process
 * so far (what getrusage(RUSAGE_THREAD) gives that thread), readable from
 * any thread. Returns 0, or -1 with both set to -1 when they cannot be read:
 * a count that was not read is not a count of 0. */
int task_csw_read(pid_t tid, int64_t *voluntary, int64_t *involuntary);

#endif
