/* counters.c - see counters.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters.h"

static const struct {
	uint32_t type;
	uint64_t config;
	const char *name;
} events[PERF_NEVENTS] = {
	[PERF_SW_CSW] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "context-switches" },
	[PERF_SW_MIGRATIONS] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, "cpu-migrations" },
	[PERF_HW_CYCLES] = { PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "cycles" },
	[PERF_HW_INSTRUCTIONS] = { PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "instructions" },
	[PERF_HW_CACHE_MISSES] = { PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, "cache-misses" },
};

static int open_event(int i, int group_fd)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = events[i].type;
	attr.config = events[i].config;
	/* Count the calling thread only, user and kernel (futex time is
	 * kernel time), and never inherit into other threads. A group is read
	 * at once, with the times that tell whether it was multiplexed. */
	attr.exclude_hv = 1;
	attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

static void describe_failure(int i, int err, char *buf, size_t len)
{
	const char *hint = "";
	if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV)
		hint = " (no hardware PMU here, e.g. a VM without PMU passthrough)";
	else if (err == EACCES || err == EPERM)
		hint = " (not permitted: see /proc/sys/kernel/perf_event_paranoid)";
	else if (err == ENOSYS)
		hint = " (kernel without perf events)";
	snprintf(buf, len, "perf_event_open(%s): %s%s", events[i].name, strerror(err), hint);
}

void counters_probe(struct counters_availability *av)
{
	memset(av, 0, sizeof(*av));
	av->sw = av->hw = true;
	for (int i = 0; i < PERF_NEVENTS; i++) {
		bool hw = events[i].type == PERF_TYPE_HARDWARE;
		if (hw ? !av->hw : !av->sw)
			continue;
		int fd = open_event(i, -1);
		if (fd < 0) {
			int err = errno;
			if (hw) {
				av->hw = false;
				describe_failure(i, err, av->hw_reason, sizeof(av->hw_reason));
			} else {
				av->sw = false;
				describe_failure(i, err, av->sw_reason, sizeof(av->sw_reason));
			}
			continue;
		}
		close(fd);
	}
}

void perf_thread_open(struct perf_thread *p, const struct counters_availability *av)
{
	int sw_leader = -1, hw_leader = -1;

	for (int i = 0; i < PERF_NEVENTS; i++) {
		bool hw = events[i].type == PERF_TYPE_HARDWARE;
		int *leader = hw ? &hw_leader : &sw_leader;
		p->fd[i] = -1;
		p->leader[i] = -1;
		if (!(hw ? av->hw : av->sw))
			continue;
		p->fd[i] = open_event(i, *leader >= 0 ? p->fd[*leader] : -1);
		if (p->fd[i] < 0)
			continue;
		if (*leader < 0)
			*leader = i;
		p->leader[i] = *leader;
	}
}

void perf_thread_close(struct perf_thread *p)
{
	/* members before their leader */
	for (int i = PERF_NEVENTS - 1; i >= 0; i--) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
}

void perf_thread_read(const struct perf_thread *p, struct perf_reading *r)
{
	for (int i = 0; i < PERF_NEVENTS; i++) {
		r->value[i] = -1;
		r->enabled[i] = r->running[i] = 0;
	}
	for (int lead = 0; lead < PERF_NEVENTS; lead++) {
		if (p->fd[lead] < 0 || p->leader[lead] != lead)
			continue;
		/* nr, time_enabled, time_running, then one value per member
		 * in the order they joined (ours: by event index) */
		uint64_t buf[3 + PERF_NEVENTS];
		ssize_t n = read(p->fd[lead], buf, sizeof(buf));
		if (n < (ssize_t)(3 * sizeof(uint64_t)))
			continue;
		uint64_t nr = buf[0], k = 0;
		for (int i = lead; i < PERF_NEVENTS && k < nr; i++) {
			if (p->leader[i] != lead)
				continue;
			if ((ssize_t)((3 + k + 1) * sizeof(uint64_t)) <= n) {
				r->value[i] = (int64_t)buf[3 + k];
				r->enabled[i] = buf[1];
				r->running[i] = buf[2];
			}
			k++;
		}
	}
}

int64_t perf_window_count(const struct perf_reading *a, const struct perf_reading *b, int e)
{
	if (a->value[e] < 0 || b->value[e] < 0 || b->value[e] < a->value[e])
		return -1;
	uint64_t count = (uint64_t)(b->value[e] - a->value[e]);
	uint64_t enabled = b->enabled[e] - a->enabled[e];
	uint64_t running = b->running[e] - a->running[e];
	if (running == enabled)
		return (int64_t)count;
	if (running == 0)
		return -1; /* enabled but never on the PMU: nothing measured */
	return (int64_t)((double)count * (double)enabled / (double)running + 0.5);
}

int task_csw_read(pid_t tid, int64_t *voluntary, int64_t *involuntary)
{
	char path[64], buf[4096];
	*voluntary = *involuntary = -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "nonvoluntary_ctxt_switches" contains the other name: match from
	 * the start of a line. */
	const char *v = strstr(buf, "\nvoluntary_ctxt_switches:");
	const char *iv = strstr(buf, "\nnonvoluntary_ctxt_switches:");
	if (!v || !iv)
		return -1;
	*voluntary = strtoll(v + strlen("\nvoluntary_ctxt_switches:"), NULL, 10);
	*involuntary = strtoll(iv + strlen("\nnonvoluntary_ctxt_switches:"), NULL, 10);
	return 0;
}
