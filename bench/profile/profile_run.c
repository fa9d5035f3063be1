/*
 * profile_run.c - `contend profile` runs the program: finds the preload
 * library, checks the program can be run, runs it with the library in
 * LD_PRELOAD and the options in CONTEND_PROFILE_* variables, and gives the
 * library a private directory for its files.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "profile.h"

#ifndef CONTEND_PKGLIBDIR
#define CONTEND_PKGLIBDIR "/usr/local/lib/contend"
#endif

#define PRELOAD_SO "libcontend-preload.so"

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The library: $CONTEND_PRELOAD_LIB, else the build tree when this contend
 * is the build tree's, else the installed one; each falls back on the
 * other. */
int profile_find_preload(char *out, size_t len)
{
	const char *env = getenv("CONTEND_PRELOAD_LIB");
	char self[PATH_MAX], build[PATH_MAX];
	char built[PATH_MAX], installed[PATH_MAX];

	if (env != NULL && *env != '\0') {
		if (!is_file(env)) {
			cli_error("CONTEND_PRELOAD_LIB: no such file '%s'", env);
			return -1;
		}
		snprintf(out, len, "%s", env);
		return 0;
	}
	snprintf(built, sizeof(built), "%s/preload/.libs/%s", CONTEND_BUILDDIR, PRELOAD_SO);
	snprintf(installed, sizeof(installed), "%s/%s", CONTEND_PKGLIBDIR, PRELOAD_SO);
	bool uninstalled = false;
	if (realpath("/proc/self/exe", self) != NULL &&
	    realpath(CONTEND_BUILDDIR, build) != NULL) {
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			uninstalled = strcmp(self, build) == 0;
		}
	}
	const char *first = uninstalled ? built : installed;
	const char *second = uninstalled ? installed : built;
	if (is_file(first))
		snprintf(out, len, "%s", first);
	else if (is_file(second))
		snprintf(out, len, "%s", second);
	else {
		cli_error("cannot find %s (looked at '%s' and '%s'): run 'make "
			  "install' or set CONTEND_PRELOAD_LIB", PRELOAD_SO, first, second);
		return -1;
	}
	/* ld.so splits LD_PRELOAD at spaces and colons. */
	if (strpbrk(out, ": \t") != NULL) {
		cli_error("the path of %s contains a space or colon, which "
			  "LD_PRELOAD cannot carry: '%s'", PRELOAD_SO, out);
		return -1;
	}
	return 0;
}

/* What execvp would do with name, decided before anything runs: 0 when it
 * names an executable file (directly, or found in PATH), else a one-line
 * error and the status a shell gives: 127 not found, 126 not executable. */
int profile_check_program(const char *name)
{
	struct stat st;

	if (*name == '\0') {
		cli_error("no command to run: the program name is empty");
		return 127;
	}
	if (strchr(name, '/') != NULL) {
		if (stat(name, &st) != 0) {
			cli_error("cannot run '%s': %s", name, strerror(errno));
			return errno == ENOENT || errno == ENOTDIR ? 127 : 126;
		}
		if (!S_ISREG(st.st_mode) || access(name, X_OK) != 0) {
			cli_error("cannot run '%s': %s", name,
				  S_ISDIR(st.st_mode) ? "is a directory" : "not executable");
			return 126;
		}
		return 0;
	}
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/bin:/usr/bin";
	bool found_other = false;
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char full[PATH_MAX];
		/* An empty PATH element is the current directory. */
		if (snprintf(full, sizeof(full), "%.*s%s%s", (int)n, n ? p : ".",
			     "/", name) < (int)sizeof(full) && stat(full, &st) == 0) {
			if (S_ISREG(st.st_mode) && access(full, X_OK) == 0)
				return 0;
			found_other = true;
		}
		if (e == NULL)
			break;
		p = e;
	}
	if (found_other) {
		cli_error("cannot run '%s': not executable", name);
		return 126;
	}
	cli_error("cannot run '%s': command not found", name);
	return 127;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void set_or_unset(const char *name, const char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

/* Runs cmd under the library; returns its exit status as a shell reports
 * it (128 + signal when killed), or -1 when it could not be started. */
int profile_run_cmd(const struct run_opts *o, char **cmd, uint64_t *wall_ns)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	char num[32];
	int status;

	fflush(NULL);
	/* Like system(): ^C and ^\ go to the program, which may then exit
	 * and report; we wait for it. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		cli_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		const char *prev = getenv("LD_PRELOAD");
		size_t n = strlen(o->lib) + (prev ? strlen(prev) : 0) + 2;
		char *preload = malloc(n);
		if (preload == NULL)
			_exit(127);
		/* Ours first, so that our wrappers are the ones called. */
		snprintf(preload, n, "%s%s%s", o->lib, prev && *prev ? ":" : "",
			 prev ? prev : "");
		setenv("LD_PRELOAD", preload, 1);
		set_or_unset("CONTEND_PROFILE_LOCK", o->lock);
		set_or_unset("CONTEND_PROFILE_OUT", o->out);
		snprintf(num, sizeof(num), "%d", o->top);
		setenv("CONTEND_PROFILE_TOP", num, 1);
		snprintf(num, sizeof(num), "%d", o->frames);
		setenv("CONTEND_PROFILE_FRAMES", num, 1);
		set_or_unset("CONTEND_PROFILE_QUIET", o->quiet ? "1" : NULL);
		/* contend prints the first-locked sites, named from debug info */
		setenv("CONTEND_PROFILE_SITES_NAMED", "1", 1);
		snprintf(num, sizeof(num), "%ld", (long)getpid());
		setenv("CONTEND_PROFILE_MAIN_PID", num, 1);
		execvp(cmd[0], cmd);
		int err = errno;
		fprintf(stderr, "%s: cannot run '%s': %s\n", cli_progname, cmd[0],
			strerror(err));
		_exit(err == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			cli_error("waitpid: %s", strerror(errno));
			status = 0;
			break;
		}
	}
	*wall_ns = now_ns() - t0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status)) {
		cli_error("'%s' was killed by signal %d (%s)", cmd[0], WTERMSIG(status),
			  strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	return 1;
}

/* A private directory for the library's files: mode 0700, a fresh name,
 * so no other user can plant anything in it. */
char *profile_private_dir(char *buf, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	snprintf(buf, len, "%s/contend-profile.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	char *d = mkdtemp(buf);
	if (d == NULL) {
		snprintf(buf, len, "/tmp/contend-profile.XXXXXX");
		d = mkdtemp(buf);
	}
	if (d == NULL)
		cli_error("cannot make a temporary directory: %s", strerror(errno));
	return d;
}

/* Empties and removes a directory profile_private_dir() made (flat: files only). */
void profile_remove_private_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	while (dp != NULL && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(dir);
}
