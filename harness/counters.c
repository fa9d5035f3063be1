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

static int open_event(int i)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = events[i].type;
	attr.config = events[i].config;
	/* Count the calling thread only, user and kernel (futex time is
	 * kernel time), and never inherit into other threads. */
	attr.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
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
		int fd = open_event(i);
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
	for (int i = 0; i < PERF_NEVENTS; i++) {
		bool hw = events[i].type == PERF_TYPE_HARDWARE;
		p->fd[i] = (hw ? av->hw : av->sw) ? open_event(i) : -1;
	}
}

void perf_thread_close(struct perf_thread *p)
{
	for (int i = 0; i < PERF_NEVENTS; i++) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
}

void perf_thread_read(const struct perf_thread *p, int64_t values[PERF_NEVENTS])
{
	for (int i = 0; i < PERF_NEVENTS; i++) {
		uint64_t v;
		values[i] = -1;
		if (p->fd[i] >= 0 && read(p->fd[i], &v, sizeof(v)) == (ssize_t)sizeof(v))
			values[i] = (int64_t)v;
	}
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
