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
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cli.h"
#include "commands.h"
#include "fmt.h"
#include "lock.h"
#include "symbolize.h"

#ifndef CONTEND_PKGLIBDIR
#define CONTEND_PKGLIBDIR "/usr/local/lib/contend"
#endif

#define PRELOAD_SO "libcontend-preload.so"
#define MAX_COMPARE 64

static const char profile_usage[] =
	"Usage: contend profile [--lock NAME] [-o FILE] [--folded FILE] [--html DIR] [--top N]\n"
	"                       [--frames N] -- CMD [ARGS...]\n"
	"       contend profile --compare-locks LIST [-o FILE] -- CMD [ARGS...]\n\n"
	"Run CMD with contend's LD_PRELOAD library, which profiles every pthread mutex\n"
	"of the program: acquisitions, contended acquisitions, owner changes, wait and\n"
	"hold times, where each mutex was first locked, and the call stacks that\n"
	"waited for it. When CMD exits, the top mutexes by total wait time and\n"
	"where threads waited for them (function, file:line) are printed on\n"
	"stderr. CMD's output and exit status are its own.\n\n"
	"Options:\n"
	"  --lock NAME           replace every normal mutex of CMD by lock NAME of\n"
	"                        `contend list` (recursive, error-checking, robust and\n"
	"                        process-shared mutexes stay glibc's); still profiles\n"
	"  -o, --output FILE     also write the profile as JSON to FILE (other\n"
	"                        processes of CMD write FILE.<pid>)\n"
	"  --folded FILE         write the wait stacks as folded stacks (outermost\n"
	"                        frame first, ';'-separated, then the wait in ns),\n"
	"                        for flamegraph.pl, inferno or speedscope\n"
	"  --html DIR            write DIR/index.html: the top locks and a flame\n"
	"                        graph of the wait stacks (inline SVG, offline)\n"
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

/* ---- after the run: names for the frames, the outputs ----------------- */

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Adds function, function_offset, file and line to every frame of every
 * wait site of one process's profile (the library recorded object,
 * build_id and offset only), and says which symboliser did it. */
static void symbolise_profile(json_t *prof, struct symbolizer *sym)
{
	size_t i, j, k;
	json_t *m, *site, *frame;

	json_object_set_new(prof, "symbols", json_string(sym ? symbolizer_kind() : "none"));
	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			json_array_foreach(json_object_get(site, "frames"), k, frame) {
				const char *obj = json_string_value(json_object_get(frame, "object"));
				const char *bid = json_string_value(json_object_get(frame, "build_id"));
				const char *off = json_string_value(json_object_get(frame, "offset"));
				struct sym_frame f;
				symbolizer_lookup(sym, obj, bid, off ? strtoull(off, NULL, 16) : 0, &f);
				json_object_set_new(frame, "function",
						    f.function ? json_string(f.function) : json_null());
				json_object_set_new(frame, "function_offset", f.function ?
						    json_integer((json_int_t)f.function_offset) :
						    json_null());
				json_object_set_new(frame, "file",
						    f.file ? json_string(f.file) : json_null());
				json_object_set_new(frame, "line",
						    f.file ? json_integer(f.line) : json_null());
				if (f.build_id_mismatch)
					json_object_set_new(frame, "build_id_mismatch", json_true());
			}
		}
	}
}

/* A frame in words: "function (file:line)", "function+0xoff (object)" or
 * "object+0xoff"; with_place false: the function name alone if known. */
static void frame_label(json_t *frame, bool with_place, char *buf, size_t len)
{
	const char *fn = json_string_value(json_object_get(frame, "function"));
	const char *file = json_string_value(json_object_get(frame, "file"));
	const char *obj = json_string_value(json_object_get(frame, "object"));
	const char *off = json_string_value(json_object_get(frame, "offset"));

	if (fn != NULL && !with_place)
		snprintf(buf, len, "%s", fn);
	else if (fn != NULL && file != NULL)
		snprintf(buf, len, "%s (%s:%lld)", fn, base_of(file),
			 (long long)json_integer_value(json_object_get(frame, "line")));
	else if (fn != NULL)
		snprintf(buf, len, "%s+0x%llx (%s)", fn,
			 (long long)json_integer_value(json_object_get(frame, "function_offset")),
			 obj ? base_of(obj) : "?");
	else
		snprintf(buf, len, "%s+%s", obj ? base_of(obj) : "?", off ? off : "?");
}

/* The stderr section: per mutex of the top ones that waited, its top
 * wait stacks, innermost frame first. */
static void print_sites(json_t *prof, int top, FILE *out)
{
	json_t *mutexes = json_object_get(prof, "mutexes"), *m;
	size_t i;
	bool header = false;

	json_array_foreach(mutexes, i, m) {
		if ((int)i >= top)
			break;
		json_t *sites = json_object_get(m, "wait_sites");
		if (json_array_size(sites) == 0)
			continue;
		if (!header) {
			fprintf(out, "%s: where pid %lld (%s) waited (top stacks of the top %d "
				"mutexes; wait, contended acquisitions, innermost frame first):\n",
				cli_progname, (long long)json_integer_value(json_object_get(prof, "pid")),
				base_of(json_string_value(json_object_get(prof, "program")) ?
					json_string_value(json_object_get(prof, "program")) : "?"),
				top);
			header = true;
		}
		const char *mk = json_string_value(json_object_get(m, "kind"));
		bool other = mk && (strcmp(mk, "rwlock") == 0 || strcmp(mk, "spinlock") == 0 ||
				    strcmp(mk, "semaphore") == 0);
		fprintf(out, "%4lld %s %s\n",
			(long long)json_integer_value(json_object_get(m, "rank")),
			other ? mk : "mutex", json_string_value(json_object_get(m, "address")));
		size_t j;
		json_t *site;
		json_array_foreach(sites, j, site) {
			if (j >= 3) {
				fprintf(out, "       (%zu more stacks in the JSON)\n",
					json_array_size(sites) - 3);
				break;
			}
			char w[32], label[1024];
			fmt_dur((double)json_integer_value(json_object_get(site, "wait_ns")), w,
				sizeof(w));
			const char *kind = json_string_value(json_object_get(site, "kind"));
			json_t *frames = json_object_get(site, "frames"), *fr;
			size_t k;
			const char *what = "";
			if (kind && strcmp(kind, "cond_retake") == 0)
				what = "re-take after condition wait, ";
			else if (kind && strcmp(kind, "rdlock") == 0)
				what = "read lock, ";
			else if (kind && strcmp(kind, "wrlock") == 0)
				what = "write lock, ";
			fprintf(out, "     %10s %7lld  %s", w,
				(long long)json_integer_value(json_object_get(site, "contended")),
				what);
			if (json_array_size(frames) == 0)
				fprintf(out, "(no stack)\n");
			json_array_foreach(frames, k, fr) {
				frame_label(fr, true, label, sizeof(label));
				fprintf(out, k ? "                          < %s\n" : "%s\n", label);
			}
		}
		json_t *drop = json_object_get(m, "wait_sites_dropped");
		json_int_t dc = json_integer_value(json_object_get(drop, "contended"));
		if (dc > 0) {
			char w[32];
			fmt_dur((double)json_integer_value(json_object_get(drop, "wait_ns")), w,
				sizeof(w));
			fprintf(out, "     %10s %7lld  (stacks that did not fit or could not be taken)\n",
				w, (long long)dc);
		}
	}
}

/* The call that waited, by wait-site kind (the library's names). */
static const char *wait_call(const char *kind)
{
	static const char *const map[][2] = {
		{ "cond_retake", "cond_retake" },
		{ "rdlock", "pthread_rwlock_rdlock" },
		{ "wrlock", "pthread_rwlock_wrlock" },
		{ "spin", "pthread_spin_lock" },
		{ "sem", "sem_wait" },
	};
	for (size_t i = 0; kind != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(kind, map[i][0]) == 0)
			return map[i][1];
	return "pthread_mutex_lock";
}

/* One line per wait stack: program;outermost;...;innermost;lock-call@mutex
 * SPACE wait_ns (the folded format of flamegraph.pl). */
static int write_folded_lines(FILE *f, json_t *prof)
{
	json_t *m, *site, *fr;
	size_t i, j, k;
	const char *prog = json_string_value(json_object_get(prof, "program"));

	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			json_t *frames = json_object_get(site, "frames");
			const char *kind = json_string_value(json_object_get(site, "kind"));
			char label[1024];
			fprintf(f, "%s", prog ? base_of(prog) : "?");
			for (k = json_array_size(frames); k-- > 0;) {
				fr = json_array_get(frames, k);
				frame_label(fr, false, label, sizeof(label));
				/* ';' separates frames and the last space the
				 * count: neither may be inside a frame. */
				for (char *c = label; *c; c++)
					if (*c == ';' || *c == ' ')
						*c = '_';
				fprintf(f, ";%s", label);
			}
			fprintf(f, ";%s@%s %lld\n", wait_call(kind),
				json_string_value(json_object_get(m, "address")),
				(long long)json_integer_value(json_object_get(site, "wait_ns")));
		}
	}
	return ferror(f) ? -1 : 0;
}

struct folded_ctx {
	json_t **profs;
	size_t n;
};

static int write_folded(FILE *f, void *arg)
{
	struct folded_ctx *c = arg;
	for (size_t i = 0; i < c->n; i++)
		if (write_folded_lines(f, c->profs[i]) != 0)
			return -1;
	return 0;
}

/* A profile as the library lays it out: one top-level key per line, one
 * mutex per line (greppable), in the library's key order. */
static int dump_profile(FILE *f, void *arg)
{
	json_t *prof = arg;
	const char *key;
	json_t *v;
	size_t n = json_object_size(prof), i = 0;

	fputs("{\n", f);
	json_object_foreach(prof, key, v) {
		i++;
		fprintf(f, "  \"%s\": ", key);
		if (strcmp(key, "mutexes") == 0 && json_array_size(v) > 0) {
			size_t j;
			json_t *m;
			fputs("[", f);
			json_array_foreach(v, j, m) {
				fputs(j ? ",\n    " : "\n    ", f);
				if (json_dumpf(m, f, JSON_INDENT(0) | JSON_PRESERVE_ORDER) != 0)
					return -1;
			}
			fputs("\n  ]", f);
		} else if (json_dumpf(v, f, JSON_INDENT(0) | JSON_PRESERVE_ORDER |
				      JSON_ENCODE_ANY) != 0) {
			return -1;
		}
		fputs(i < n ? ",\n" : "\n", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- --html: the top locks and a flame graph, drawn here as SVG -------- */

/* A node of the flame graph: one frame in one calling context. */
struct flame {
	char *name;
	uint64_t value; /* wait in ns under this node */
	struct flame *child, *next;
	size_t kids;
};

static struct flame *flame_child(struct flame *parent, const char *name)
{
	for (struct flame *c = parent->child; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	struct flame *c = calloc(1, sizeof(*c));
	if (c == NULL || (c->name = strdup(name)) == NULL) {
		free(c);
		return NULL;
	}
	c->next = parent->child;
	parent->child = c;
	parent->kids++;
	return c;
}

static void flame_add_profile(struct flame *root, json_t *prof)
{
	json_t *m, *site;
	size_t i, j;
	const char *prog = json_string_value(json_object_get(prof, "program"));

	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			uint64_t w = (uint64_t)json_integer_value(json_object_get(site, "wait_ns"));
			json_t *frames = json_object_get(site, "frames");
			char label[1024];
			struct flame *n = flame_child(root, prog ? base_of(prog) : "?");
			root->value += w;
			if (n != NULL)
				n->value += w;
			for (size_t k = json_array_size(frames); n != NULL && k-- > 0;) {
				frame_label(json_array_get(frames, k), false, label, sizeof(label));
				if ((n = flame_child(n, label)) != NULL)
					n->value += w;
			}
			snprintf(label, sizeof(label), "%s@%s",
				 wait_call(json_string_value(json_object_get(site, "kind"))),
				 json_string_value(json_object_get(m, "address")));
			if (n != NULL && (n = flame_child(n, label)) != NULL)
				n->value += w;
		}
	}
}

static int flame_depth(const struct flame *f)
{
	int d = 0;
	for (const struct flame *c = f->child; c; c = c->next) {
		int k = flame_depth(c);
		if (k > d)
			d = k;
	}
	return d + 1;
}

static void flame_free(struct flame *f)
{
	for (struct flame *c = f->child, *next; c; c = next) {
		next = c->next;
		flame_free(c);
		free(c->name);
		free(c);
	}
}

static void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

#define FLAME_W 1200.0
#define FLAME_ROW 18

/* One rectangle per node, children side by side above their parent (the
 * root at the bottom), widths in proportion to the wait; a <title> gives
 * the full name and figures on hover. Returns the rectangles drawn. */
static size_t flame_draw(FILE *f, const struct flame *n, double x, int depth, int height,
			 uint64_t total)
{
	double w = total ? FLAME_W * (double)n->value / (double)total : 0;
	size_t drawn = 0;
	if (w < 0.1)
		return 0; /* too narrow to see */
	unsigned h = 0;
	for (const char *c = n->name; *c; c++)
		h = h * 31 + (unsigned char)*c;
	int y = height - (depth + 1) * FLAME_ROW;
	char wait[32];
	fmt_dur((double)n->value, wait, sizeof(wait));
	fprintf(f, "<g class=\"frame\"><title>");
	html_text(f, n->name);
	fprintf(f, " (%s, %.1f%%)</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
		"height=\"%d\" fill=\"hsl(%u,75%%,%u%%)\"/>",
		wait, total ? 100.0 * (double)n->value / (double)total : 0.0, x, y, w,
		FLAME_ROW - 1, h % 50, 55 + h % 15);
	if (w > 30) { /* a label where it fits, cut to the width (7 px a char) */
		size_t room = (size_t)(w / 7) - 1, len = strlen(n->name);
		char text[512];
		snprintf(text, sizeof(text), "%.*s%s", (int)(len > room ? room - 2 : len),
			 n->name, len > room ? ".." : "");
		fprintf(f, "<text x=\"%.2f\" y=\"%d\">", x + 3, y + FLAME_ROW - 5);
		html_text(f, text);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
	drawn++;
	/* Children by name: the same stacks land in the same place each run. */
	const struct flame *kids[4096];
	size_t nk = 0;
	for (const struct flame *c = n->child; c && nk < 4096; c = c->next)
		kids[nk++] = c;
	for (size_t i = 1; i < nk; i++)
		for (size_t j = i; j > 0 && strcmp(kids[j]->name, kids[j - 1]->name) < 0; j--) {
			const struct flame *t = kids[j];
			kids[j] = kids[j - 1];
			kids[j - 1] = t;
		}
	for (size_t i = 0; i < nk; i++) {
		drawn += flame_draw(f, kids[i], x, depth + 1, height, total);
		x += total ? FLAME_W * (double)kids[i]->value / (double)total : 0;
	}
	return drawn;
}

struct html_ctx {
	json_t **profs;
	size_t n;
	int top;
};

static int write_html_page(FILE *f, void *arg)
{
	struct html_ctx *c = arg;
	struct flame root = { .name = "all" };

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>contend profile</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
	      "table{border-collapse:collapse;margin-bottom:1.5em}\n"
	      "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
	      "td.l,th.l{text-align:left}\n"

	      "</style></head>\n<body>\n", f);
	for (size_t i = 0; i < c->n; i++) {
		json_t *p = c->profs[i], *tot = json_object_get(p, "totals"), *m;
		char wait[32], el[32];
		fmt_dur((double)json_integer_value(json_object_get(tot, "wait_ns")), wait,
			sizeof(wait));
		fmt_dur((double)json_integer_value(json_object_get(p, "elapsed_ns")), el,
			sizeof(el));
		fputs("<h2>", f);
		html_text(f, json_string_value(json_object_get(p, "program")));
		fprintf(f, " (pid %lld)</h2>\n<p>%lld locks, %lld acquisitions, %lld contended, "
			"%s waited in %s",
			(long long)json_integer_value(json_object_get(p, "pid")),
			(long long)json_integer_value(json_object_get(tot, "mutexes")),
			(long long)json_integer_value(json_object_get(tot, "acquisitions")),
			(long long)json_integer_value(json_object_get(tot, "contended")), wait, el);
		json_t *rt = json_object_get(tot, "cond_retake_wait_ns");
		if (json_is_integer(rt)) {
			fmt_dur((double)json_integer_value(rt), wait, sizeof(wait));
			fprintf(f, " (+ %s re-taking mutexes after condition waits)", wait);
		}
		fputs(".</p>\n<table><tr><th>rank</th><th>wait</th><th>contended</th>"
		      "<th>acquired</th><th class=\"l\">kind/impl</th><th class=\"l\">lock</th>"
		      "<th class=\"l\">top waiting site</th></tr>\n", f);
		size_t j;
		json_array_foreach(json_object_get(p, "mutexes"), j, m) {
			if ((int)j >= c->top)
				break;
			json_t *w = json_object_get(m, "wait_ns");
			json_t *s0 = json_array_get(json_object_get(m, "wait_sites"), 0);
			char site[1024] = "-";
			if (s0 != NULL && json_array_size(json_object_get(s0, "frames")) > 0)
				frame_label(json_array_get(json_object_get(s0, "frames"), 0), true,
					    site, sizeof(site));
			fmt_dur((double)json_integer_value(json_object_get(w, "total")), wait,
				sizeof(wait));
			fprintf(f, "<tr><td>%zu</td><td>%s</td><td>%lld</td><td>%lld</td><td class=\"l\">",
				j + 1, wait,
				(long long)json_integer_value(json_object_get(m, "contended")),
				(long long)json_integer_value(json_object_get(m, "acquisitions")));
			html_text(f, json_string_value(json_object_get(m, "kind")));
			fputs("/", f);
			html_text(f, json_string_value(json_object_get(m, "implementation")));
			fputs("</td><td class=\"l\">", f);
			html_text(f, json_string_value(json_object_get(m, "address")));
			fputs("</td><td class=\"l\">", f);
			html_text(f, site);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
		flame_add_profile(&root, p);
	}
	int depth = flame_depth(&root);
	int height = depth * FLAME_ROW + 4;
	fputs("<h2>Where threads waited</h2>\n<p>A flame graph of the wait stacks: width is "
	      "wait time, the outermost frame at the bottom, the lock call on top. Hover "
	      "for names and figures.</p>\n", f);
	/* The SVG carries its own style, so that it can be cut out of the
	 * page and shown alone. */
	fprintf(f, "<svg id=\"flame\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%d\" viewBox=\"0 0 %.0f %d\">\n<style>text{font:12px monospace;"
		"pointer-events:none}g.frame:hover rect{stroke:#000;stroke-width:1}</style>\n",
		FLAME_W, height, FLAME_W, height);
	size_t rects = root.value ? flame_draw(f, &root, 0, 0, height, root.value) : 0;
	if (rects == 0)
		fprintf(f, "<text x=\"10\" y=\"20\">no thread waited</text>\n");
	fputs("</svg>\n", f);
	/* For the browser test: what the page drew, counted by the browser. */
	fprintf(f, "<script>\ndocument.addEventListener('DOMContentLoaded', function () {\n"
		"  var svg = document.getElementById('flame'), b = svg.getBBox();\n"
		"  document.body.setAttribute('data-frames', svg.querySelectorAll('rect').length);\n"
		"  document.body.setAttribute('data-flame-width', Math.round(b.width));\n"
		"});\n</script>\n<!-- %zu frames drawn -->\n</body></html>\n", rects);
	flame_free(&root);
	return ferror(f) ? -1 : 0;
}

struct post_opts {
	const char *user_out; /* -o, or NULL */
	const char *folded;   /* --folded, or NULL */
	struct staged_dir *html; /* --html, begun; NULL without */
	int top;
	bool quiet;
};

/* The profiles the run left in dir (profile.json of the main process,
 * profile.json.<pid> of the others): symbolised, their wait sites printed,
 * written to -o FILE and FILE.<pid>, folded. Returns 0, or 1 when an
 * output could not be written. */
static int post_process(const char *dir, const struct post_opts *po)
{
	json_t *profs[1024];
	char names[1024][64];
	size_t n = 0;
	int rc = 0;
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct symbolizer *sym = symbolizer_new();

	while (dp != NULL && (de = readdir(dp)) != NULL && n < 1024) {
		if (strncmp(de->d_name, "profile.json", 12) != 0 ||
		    (de->d_name[12] != '\0' && de->d_name[12] != '.') ||
		    strstr(de->d_name, ".tmp.") != NULL)
			continue;
		char path[PATH_MAX];
		json_error_t err;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		json_t *p = json_load_file(path, 0, &err);
		if (p == NULL) {
			cli_error("warning: the profile of a process is not valid JSON (%s): %s",
				  de->d_name, err.text);
			continue;
		}
		snprintf(names[n], sizeof(names[n]), "%s", de->d_name + 12);
		profs[n++] = p;
	}
	if (dp != NULL)
		closedir(dp);
	/* The main process first, then the others by name (pid). */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && (names[j][0] == '\0' ||
					     (names[j - 1][0] != '\0' &&
					      strlen(names[j]) <= strlen(names[j - 1]) &&
					      (strlen(names[j]) < strlen(names[j - 1]) ||
					       strcmp(names[j], names[j - 1]) < 0))); j--) {
			json_t *t = profs[j];
			char tn[64];
			profs[j] = profs[j - 1];
			profs[j - 1] = t;
			memcpy(tn, names[j], sizeof(tn));
			memcpy(names[j], names[j - 1], sizeof(tn));
			memcpy(names[j - 1], tn, sizeof(tn));
		}
	for (size_t i = 0; i < n; i++) {
		symbolise_profile(profs[i], sym);
		if (!po->quiet)
			print_sites(profs[i], po->top, stderr);
		if (po->user_out != NULL) {
			char path[PATH_MAX + 64], err[PATH_MAX + 128];
			if (snprintf(path, sizeof(path), "%s%s", po->user_out, names[i]) >=
			    (int)sizeof(path)) {
				cli_error("cannot write '%s%s': path too long", po->user_out, names[i]);
				rc = 1;
			} else if (atomic_write_file(path, dump_profile, profs[i], err, sizeof(err)) != 0) {
				cli_error("%s", err);
				rc = 1;
			}
		}
	}
	if (po->folded != NULL) {
		struct folded_ctx fc = { profs, n };
		char err[PATH_MAX + 128];
		if (atomic_write_file(po->folded, write_folded, &fc, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			rc = 1;
		}
	}
	if (po->html != NULL) {
		struct html_ctx hc = { profs, n, po->top };
		char path[PATH_MAX + 32], err[PATH_MAX + 128];
		snprintf(path, sizeof(path), "%s/index.html", po->html->tmp);
		if (n == 0) {
			cli_error("--html: no profile to draw (the program left none)");
			rc = 1;
		} else if (atomic_write_file(path, write_html_page, &hc, err, sizeof(err)) != 0 ||
			   staged_dir_commit(po->html, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			rc = 1;
		}
	}
	for (size_t i = 0; i < n; i++)
		json_decref(profs[i]);
	symbolizer_free(sym);
	return rc;
}

/* A private directory for the library's files: mode 0700, a fresh name,
 * so no other user can plant anything in it. */
static char *private_dir(char *buf, size_t len)
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

/* Empties and removes a directory private_dir() made (flat: files only). */
static void remove_private_dir(const char *dir)
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
		if (lock_find(t)->props & LOCK_TRYLOCK_MAY_BLOCK) {
			cli_usage_error("--compare-locks: '%s' cannot stand in for a mutex: "
					"its trylock may wait for a holder", t);
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

	char dirbuf[PATH_MAX];
	char *d = private_dir(dirbuf, sizeof(dirbuf));
	if (d == NULL) {
		free(names);
		return 1;
	}
	struct symbolizer *sym = symbolizer_new();
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
		if (rows[i].profile != NULL)
			symbolise_profile(rows[i].profile, sym);
		if (rows[i].status != 0 && rc == 0)
			rc = rows[i].status < 0 ? 1 : rows[i].status;
	}
	remove_private_dir(d);
	symbolizer_free(sym);

	/* re-take: waits re-taking a substituted mutex after a condition wait
	 * (not measurable with glibc's own mutexes: "-"). */
	fprintf(stderr, "\n%-16s %10s %9s %11s %12s %14s %5s %11s\n", "lock", "wall",
		"vs glibc", "wait-total", "contended", "acquisitions", "exit", "re-take");
	for (size_t i = 0; i < n; i++) {
		char wall[32], wait[32], con[32], acq[32], retake[32] = "-";
		json_t *rt = json_object_get(json_object_get(rows[i].profile, "totals"),
					     "cond_retake_wait_ns");
		if (json_is_integer(rt))
			fmt_dur((double)json_integer_value(rt), retake, sizeof(retake));
		json_t *tot = json_object_get(rows[i].profile, "totals");
		fmt_dur((double)rows[i].wall_ns, wall, sizeof(wall));
		if (tot != NULL) {
			fmt_dur((double)json_integer_value(json_object_get(tot, "wait_ns")), wait,
				sizeof(wait));
			snprintf(con, sizeof(con), "%lld",
				 (long long)json_integer_value(json_object_get(tot, "contended")));
			snprintf(acq, sizeof(acq), "%lld",
				 (long long)json_integer_value(json_object_get(tot, "acquisitions")));
		} else {
			snprintf(wait, sizeof(wait), "n/a");
			snprintf(con, sizeof(con), "n/a");
			snprintf(acq, sizeof(acq), "n/a");
		}
		fprintf(stderr, "%-16s %10s %8.2fx %11s %12s %14s %5d %11s\n", rows[i].lock,
			wall, rows[0].wall_ns ? (double)rows[i].wall_ns / (double)rows[0].wall_ns : 0.0,
			wait, con, acq, rows[i].status, retake);
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
		{ "folded", required_argument, NULL, 'F' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .top = 10, .frames = 6 };
	const char *compare = NULL, *folded = NULL, *html = NULL;
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
			if (strcmp(optarg, "glibc") != 0 &&
			    (lock_find(optarg)->props & LOCK_TRYLOCK_MAY_BLOCK)) {
				cli_usage_error("--lock: '%s' cannot stand in for a mutex: its "
						"trylock may wait for a holder", optarg);
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
		case 'F': folded = optarg; break;
		case 'H': html = optarg; break;
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
	if ((folded != NULL || html != NULL) && compare != NULL) {
		cli_usage_error("%s and --compare-locks exclude each other",
				folded ? "--folded" : "--html");
		return EXIT_USAGE;
	}
	if (html != NULL && *html == '\0') {
		cli_usage_error("--html needs a directory name");
		return EXIT_USAGE;
	}
	if (folded != NULL && check_output("--folded", folded) != 0)
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

	/* The library writes into a private directory; the outputs the user
	 * asked for are made from there, symbolised, atomically. */
	char dirbuf[PATH_MAX], lib_out[PATH_MAX + 32];
	char *d = private_dir(dirbuf, sizeof(dirbuf));
	if (d == NULL)
		return 1;
	snprintf(lib_out, sizeof(lib_out), "%s/profile.json", d);
	struct post_opts po = { .user_out = o.out, .folded = folded, .top = o.top };
	/* --html: the directory is staged beside its target now, so that a
	 * target we may not replace is refused before the program runs. */
	struct staged_dir sd;
	if (html != NULL) {
		char err[PATH_MAX + 256];
		if (staged_dir_begin(&sd, html, err, sizeof(err)) != 0) {
			cli_usage_error("--html: %s", err);
			remove_private_dir(d);
			return EXIT_USAGE;
		}
		po.html = &sd;
	}
	o.out = lib_out;
	uint64_t wall;
	int rc = run_cmd(&o, argv + optind, &wall);
	int prc = post_process(d, &po);
	remove_private_dir(d);
	if (html != NULL)
		staged_dir_abort(&sd);
	if (rc == 0 && prc != 0)
		rc = prc;
	return rc < 0 ? 1 : rc;
}
