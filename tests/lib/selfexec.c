/* selfexec.c - see selfexec.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "selfexec.h"

int selfexec_run(const char *mode, const char *name, const char *value,
		 char *stderr_text, size_t len)
{
	/* A file rather than a pipe: the child may write more than a pipe
	 * holds before it exits, and the parent reads only after waiting. */
	FILE *log = tmpfile();
	int status;
	pid_t pid;

	if (log == NULL) {
		perror("selfexec: tmpfile");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("selfexec: fork");
		fclose(log);
		return -1;
	}
	if (pid == 0) {
		const char *old = getenv(name);
		size_t n = (old ? strlen(old) + 1 : 0) + strlen(value) + 1;
		char *joined = malloc(n);
		if (joined == NULL)
			_exit(126);
		snprintf(joined, n, "%s%s%s", old ? old : "", old ? " " : "", value);
		setenv(name, joined, 1);
		dup2(fileno(log), STDERR_FILENO);
		execl("/proc/self/exe", "selfexec-child", mode, (char *)NULL);
		fprintf(stderr, "selfexec: exec /proc/self/exe: %s\n", strerror(errno));
		_exit(126);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("selfexec: waitpid");
			fclose(log);
			return -1;
		}
	}
	rewind(log);
	size_t got = len ? fread(stderr_text, 1, len - 1, log) : 0;
	if (len)
		stderr_text[got] = '\0';
	fclose(log);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
