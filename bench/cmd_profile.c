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
 *
 * This file: the options and the two modes (one profiled run, and
 * --compare-locks with its table and JSON). Running the program is
 * profile_run.c; the outputs of a run, profile_output.c and profile_html.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cli.h"
#include "commands.h"
#include "fmt.h"
#include "lock.h"
#include "parse.h"
#include "profile.h"
#include "symbolize.h"

#define MAX_COMPARE 64

static const char profile_usage[] =
	"Usage: contend profile [--lock NAME] [-o FILE] [--folded FILE] [--html DIR] [--top N]\n"
	"                       [--pprof FILE] [--frames N] -- CMD [ARGS...]\n"
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
	"  --pprof FILE          write the wait stacks as a gzipped pprof\n"
	"                        profile.proto (contentions, wait and hold ns)\n"
	"  --top N               rows in the stderr table (default 10)\n"
	"  --frames N            frames kept per call stack, 0-16 (default 6; 0: no\n"
	"                        stacks, the cheapest contended path)\n"
	"  --compare-locks LIST  run CMD once with glibc's mutexes and once per lock\n"
	"                        of the comma-separated LIST; print wall time and\n"
	"                        total wait per lock (-o: all runs as JSON)\n"
	"  -h, --help            show this help\n\n"
	"Environment: CONTEND_PRELOAD_LIB overrides where the library is found.\n";

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

/* NAME, given to FLAG, names a lock of the registry that can take a
 * mutex's place; a usage error otherwise. */
static int check_stand_in(const char *flag, const char *name)
{
	const struct lock_desc *d = lock_find(name);

	if (d == NULL) {
		cli_usage_error("%s: unknown lock '%s' (see 'contend list')", flag, name);
		return -1;
	}
	if (d->props & LOCK_TRYLOCK_MAY_BLOCK) {
		cli_usage_error("%s: '%s' cannot stand in for a mutex: its trylock may wait "
				"for a holder", flag, name);
		return -1;
	}
	return 0;
}

/* A count option: parse_unsigned's rules (digits only), this command's
 * message. */
static int parse_count(const char *flag, const char *s, unsigned lo, unsigned hi, int *out)
{
	char err[160];
	unsigned long v;

	if (parse_unsigned(flag, s, lo, hi, &v, err, sizeof(err)) != 0) {
		cli_usage_error("%s wants a whole number from %u to %u, not '%s'", flag,
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
		if (check_stand_in("--compare-locks", t) != 0) {
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
	char *d = profile_private_dir(dirbuf, sizeof(dirbuf));
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
		rows[i].status = profile_run_cmd(o, cmd, &rows[i].wall_ns);
		json_error_t err;
		rows[i].profile = json_load_file(path, 0, &err);
		if (rows[i].profile != NULL)
			profile_symbolise(rows[i].profile, sym);
		if (rows[i].status != 0 && rc == 0)
			rc = rows[i].status < 0 ? 1 : rows[i].status;
	}
	profile_remove_private_dir(d);
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
		{ "pprof", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .top = 10, .frames = 6 };
	const char *compare = NULL, *folded = NULL, *html = NULL, *pprof = NULL;
	char lib[PATH_MAX];
	int c;

	opterr = 0;
	optind = 1;
	/* '+': stop at CMD, so CMD's own options are not ours. */
	while ((c = getopt_long(argc, argv, "+:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (strcmp(optarg, "glibc") != 0 && check_stand_in("--lock", optarg) != 0)
				return EXIT_USAGE;
			o.lock = optarg;
			break;
		case 'o': o.out = optarg; break;
		case 't':
			if (parse_count("--top", optarg, 1, 1000000, &o.top) != 0)
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_count("--frames", optarg, 0, 16, &o.frames) != 0)
				return EXIT_USAGE;
			break;
		case 'c': compare = optarg; break;
		case 'F': folded = optarg; break;
		case 'H': html = optarg; break;
		case 'P': pprof = optarg; break;
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
	if ((folded != NULL || html != NULL || pprof != NULL) && compare != NULL) {
		cli_usage_error("%s and --compare-locks exclude each other",
				folded ? "--folded" : html ? "--html" : "--pprof");
		return EXIT_USAGE;
	}
	if (html != NULL && *html == '\0') {
		cli_usage_error("--html needs a directory name");
		return EXIT_USAGE;
	}
	if (folded != NULL && check_output("--folded", folded) != 0)
		return EXIT_USAGE;
	if (pprof != NULL && !profile_pprof_available()) {
		cli_usage_error("--pprof: this contend was built without zlib (install "
				"zlib1g-dev and run ./configure again)");
		return EXIT_USAGE;
	}
	if (pprof != NULL && check_output("--pprof", pprof) != 0)
		return EXIT_USAGE;
	int bad = profile_check_program(argv[optind]);
	if (bad != 0)
		return bad;
	if (profile_find_preload(lib, sizeof(lib)) != 0)
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
	char *d = profile_private_dir(dirbuf, sizeof(dirbuf));
	if (d == NULL)
		return 1;
	snprintf(lib_out, sizeof(lib_out), "%s/profile.json", d);
	struct post_opts po = { .user_out = o.out, .folded = folded, .pprof = pprof,
				.top = o.top };
	/* --html: the directory is staged beside its target now, so that a
	 * target we may not replace is refused before the program runs. */
	struct staged_dir sd;
	if (html != NULL) {
		char err[PATH_MAX + 256];
		if (staged_dir_begin(&sd, html, err, sizeof(err)) != 0) {
			cli_usage_error("--html: %s", err);
			profile_remove_private_dir(d);
			return EXIT_USAGE;
		}
		po.html = &sd;
	}
	o.out = lib_out;
	uint64_t wall;
	int rc = profile_run_cmd(&o, argv + optind, &wall);
	int prc = profile_post_process(d, &po);
	profile_remove_private_dir(d);
	if (html != NULL)
		staged_dir_abort(&sd);
	if (rc == 0 && prc != 0)
		rc = prc;
	return rc < 0 ? 1 : rc;
}
