/*
 * cmd_profile.c - `contend profile`: run a program with libcontend-preload.so
 * (preload/) in LD_PRELOAD, to profile its pthread mutexes or to swap in a
 * lock of the registry; --compare-locks runs it once per lock.
 *
 * The library does the work inside the program and reports when the program
 * exits; this side finds the library, passes the options through
 * CONTEND_PROFILE_* environment variables, keeps the program's exit status,
 * and, for --compare-locks, reads each run's JSON (jansson lives here, not
 * in the profiled program).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cli.h"
#include "commands.h"
#include "lock.h"

#ifndef CONTEND_PKGLIBDIR
#define CONTEND_PKGLIBDIR "/usr/local/lib/contend"
#endif

#define PRELOAD_SO "libcontend-preload.so"
#define MAX_COMPARE 64

static const char profile_usage[] =
	"Usage: contend profile [--lock NAME] [-o FILE] [--top N] [--frames N] -- CMD [ARGS...]\n"
	"       contend profile --compare-locks LIST [-o FILE] -- CMD [ARGS...]\n\n"
	"Run CMD with contend's LD_PRELOAD library, which profiles every pthread mutex\n"
	"of the program: acquisitions, contended acquisitions, owner changes, wait and\n"
	"hold times, and where each mutex was first locked. When CMD exits, the top\n"
	"mutexes by total wait time are printed on stderr. CMD's output and exit\n"
	"status are its own.\n\n"
	"Options:\n"
	"  --lock NAME           replace every normal mutex of CMD by lock NAME of\n"
	"                        `contend list` (recursive, error-checking, robust and\n"
	"                        process-shared mutexes stay glibc's); still profiles\n"
	"  -o, --output FILE     also write the profile as JSON to FILE (other\n"
	"                        processes of CMD write FILE.<pid>)\n"
	"  --top N               rows in the stderr table (default 10)\n"
	"  --frames N            frames kept per call stack, 0-16 (default 6; 0: no\n"
	"                        stacks, the cheapest contended path)\n"
	"  --compare-locks LIST  run CMD once with glibc's mutexes and once per lock\n"
	"                        of the comma-separated LIST; print wall time and\n"
	"                        total wait per lock (-o: all runs as JSON)\n"
	"  -h, --help            show this help\n\n"
	"Environment: CONTEND_PRELOAD_LIB overrides where the library is found.\n";

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The library: $CONTEND_PRELOAD_LIB, else the build tree when this contend
 * is the build tree's, else the installed one; each falls back on the
 * other. */
static int find_preload(char *out, size_t len)
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
static int check_program(const char *name)
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

/* -o, --folded FILE: a file that can be created; usage error otherwise. */
static int check_output(const char *flag, const char *path)
{
	char err[PATH_MAX + 128];
	if (atomic_check_writable(path, err, sizeof(err)) != 0) {
		cli_usage_error("%s: %s", flag, err);
		return -1;
	}
	return 0;
}

struct run_opts {
	const char *lib;
	const char *lock;   /* NULL or "glibc": profile only */
	const char *out;    /* NULL: no JSON */
	int top, frames;
	bool quiet;
};

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
static int run_cmd(const struct run_opts *o, char **cmd, uint64_t *wall_ns)
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

static int parse_int(const char *flag, const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		cli_usage_error("%s wants a whole number from %d to %d, not '%s'", flag,
				lo, hi, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
}

static int dump_json(FILE *f, void *root)
{
	return json_dumpf(root, f, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 ||
		fputc('\n', f) == EOF ? -1 : 0;
}

/* Writes root to path atomically: atomic_write_file's mkstemp temporary
 * in the same directory, never a predictable name. */
static int write_json_file(json_t *root, const char *path)
{
	char err[PATH_MAX + 128];
	if (atomic_write_file(path, dump_json, root, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

struct compare_row {
	const char *lock;
	int status;
	uint64_t wall_ns;
	json_t *profile; /* NULL when the run left no JSON */
};

static int compare_locks(struct run_opts *o, const char *list, char **cmd)
{
	struct compare_row rows[MAX_COMPARE + 1];
	char *names = strdup(list), *save = NULL;
	size_t n = 0;
	int rc = 0;

	if (names == NULL)
		return 1;
	rows[n++] = (struct compare_row){ .lock = "glibc" };
	for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "glibc") == 0)
			continue; /* always the first row */
		if (lock_find(t) == NULL) {
			cli_usage_error("--compare-locks: unknown lock '%s' (see 'contend list')", t);
			free(names);
			return EXIT_USAGE;
		}
		if (n > MAX_COMPARE) {
			cli_usage_error("--compare-locks: at most %d locks", MAX_COMPARE);
			free(names);
			return EXIT_USAGE;
		}
		rows[n++] = (struct compare_row){ .lock = t };
	}

	char dir[] = "/tmp/contend-profile.XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char dirbuf[PATH_MAX];
	snprintf(dirbuf, sizeof(dirbuf), "%s/contend-profile.XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	char *d = mkdtemp(dirbuf);
	if (d == NULL && (d = mkdtemp(dir)) == NULL) {
		cli_error("cannot make a temporary directory: %s", strerror(errno));
		free(names);
		return 1;
	}
	const char *user_out = o->out;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/run-%zu.json", d, i);
		o->lock = rows[i].lock;
		o->out = path;
		o->quiet = true;
		fprintf(stderr, "%s: run %zu of %zu with %s\n", cli_progname, i + 1, n,
			rows[i].lock);
		rows[i].status = run_cmd(o, cmd, &rows[i].wall_ns);
		json_error_t err;
		rows[i].profile = json_load_file(path, 0, &err);
		unlink(path);
		if (rows[i].status != 0 && rc == 0)
			rc = rows[i].status < 0 ? 1 : rows[i].status;
	}
	rmdir(d);

	fprintf(stderr, "\n%-16s %10s %9s %11s %12s %14s %5s\n", "lock", "wall",
		"vs glibc", "wait-total", "contended", "acquisitions", "exit");
	for (size_t i = 0; i < n; i++) {
		char wall[32], wait[32], con[32], acq[32];
		json_t *tot = json_object_get(rows[i].profile, "totals");
		fmt_ns(wall, sizeof(wall), (double)rows[i].wall_ns);
		if (tot != NULL) {
			fmt_ns(wait, sizeof(wait),
			       (double)json_integer_value(json_object_get(tot, "wait_ns")));
			snprintf(con, sizeof(con), "%lld",
				 (long long)json_integer_value(json_object_get(tot, "contended")));
			snprintf(acq, sizeof(acq), "%lld",
				 (long long)json_integer_value(json_object_get(tot, "acquisitions")));
		} else {
			snprintf(wait, sizeof(wait), "n/a");
			snprintf(con, sizeof(con), "n/a");
			snprintf(acq, sizeof(acq), "n/a");
		}
		fprintf(stderr, "%-16s %10s %8.2fx %11s %12s %14s %5d\n", rows[i].lock,
			wall, rows[0].wall_ns ? (double)rows[i].wall_ns / (double)rows[0].wall_ns : 0.0,
			wait, con, acq, rows[i].status);
	}
	for (size_t i = 1; i < n; i++)
		if (rows[i].status != rows[0].status) {
			cli_error("warning: the exit status differs between runs");
			break;
		}
	if (user_out != NULL) {
		json_t *root = json_object(), *runs = json_array(), *argv = json_array();
		for (char **a = cmd; *a; a++)
			json_array_append_new(argv, json_string(*a));
		for (size_t i = 0; i < n; i++) {
			json_t *run = json_pack("{s:s, s:I, s:i}", "lock", rows[i].lock,
						"wall_ns", (json_int_t)rows[i].wall_ns,
						"exit_status", rows[i].status);
			json_object_set(run, "profile",
					rows[i].profile ? rows[i].profile : json_null());
			json_array_append_new(runs, run);
		}
		json_object_set_new(root, "schema", json_string("contend-profile-compare/1"));
		json_object_set_new(root, "command", argv);
		json_object_set_new(root, "runs", runs);
		if (write_json_file(root, user_out) != 0 && rc == 0)
			rc = 1;
		json_decref(root);
	}
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i].profile);
	free(names);
	return rc;
}

int cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lock", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, 't' },
		{ "frames", required_argument, NULL, 'f' },
		{ "compare-locks", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .top = 10, .frames = 6 };
	const char *compare = NULL;
	char lib[PATH_MAX];
	int c;

	opterr = 0;
	optind = 1;
	/* '+': stop at CMD, so CMD's own options are not ours. */
	while ((c = getopt_long(argc, argv, "+:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (strcmp(optarg, "glibc") != 0 && lock_find(optarg) == NULL) {
				cli_usage_error("--lock: unknown lock '%s' (see 'contend list')",
						optarg);
				return EXIT_USAGE;
			}
			o.lock = optarg;
			break;
		case 'o': o.out = optarg; break;
		case 't':
			if (parse_int("--top", optarg, 1, 1000000, &o.top) != 0)
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_int("--frames", optarg, 0, 16, &o.frames) != 0)
				return EXIT_USAGE;
			break;
		case 'c': compare = optarg; break;
		case 'h': fputs(profile_usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (optind >= argc) {
		cli_usage_error("no command to run (usage: contend profile [OPTIONS] -- CMD [ARGS...])");
		return EXIT_USAGE;
	}
	if (compare != NULL && o.lock != NULL) {
		cli_usage_error("--lock and --compare-locks exclude each other");
		return EXIT_USAGE;
	}
	if (o.out != NULL && *o.out == '\0') {
		cli_usage_error("-o needs a file name");
		return EXIT_USAGE;
	}
	if (o.out != NULL && check_output("-o", o.out) != 0)
		return EXIT_USAGE;
	int bad = check_program(argv[optind]);
	if (bad != 0)
		return bad;
	if (find_preload(lib, sizeof(lib)) != 0)
		return 1;
	o.lib = lib;

	/* The library resolves relative paths from the program's working
	 * directory, which is ours; an absolute path survives a chdir. */
	char out_abs[2 * PATH_MAX + 2];
	if (o.out != NULL && o.out[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) != NULL) {
			snprintf(out_abs, sizeof(out_abs), "%s/%s", cwd, o.out);
			o.out = out_abs;
		}
	}
	if (compare != NULL)
		return compare_locks(&o, compare, argv + optind);

	uint64_t wall;
	int rc = run_cmd(&o, argv + optind, &wall);
	return rc < 0 ? 1 : rc;
}
