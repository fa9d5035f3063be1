/* run_spec.c - sweep spec files and their hash; see run_spec.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "cli.h"
#include "run_spec.h"

enum spec_type { T_TEXT, T_UINT, T_UINT_OR_NULL, T_BOOL, T_TEXT_OR_UINT };

/* Every key of a spec: the options of contend run that shape the sweep.
 * The flag is the key with '-' for '_'. Output options (-o, --format, -q)
 * are not part of a sweep: they stay on the command line. */
static const struct spec_key {
	const char *key;
	enum spec_type type;
} spec_keys[] = {
	{ "locks", T_TEXT }, { "threads", T_TEXT }, { "cs", T_TEXT }, { "ncs", T_TEXT },
	{ "dist", T_TEXT }, { "cs_lines", T_UINT }, { "nlocks", T_UINT },
	{ "permits", T_UINT }, { "spin_budget", T_UINT_OR_NULL }, { "duration", T_TEXT },
	{ "warmup", T_TEXT }, { "repeat", T_UINT }, { "sample_every", T_TEXT_OR_UINT },
	{ "seed", T_UINT_OR_NULL }, { "pin", T_TEXT }, { "oversubscribe", T_BOOL },
	{ "mem", T_TEXT },
};
#define NKEYS (sizeof(spec_keys) / sizeof(spec_keys[0]))

/* The threads of contend run's default sweep, as a host-independent list. */
#define DEFAULT_THREADS_TEXT "1,2,1x,4x"

static void flag_of(const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "--%s", key);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = '-';
}

/* 64-bit FNV-1a (Fowler, Noll, Vo): offset basis and prime as published. */
static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int run_spec_make(const struct run_spec_texts *tx, struct sweep_config *c, bool seed_given)
{
	char every[32];

	if (c->sample_every < 0)
		snprintf(every, sizeof(every), "off");
	else if (c->sample_every == 0)
		snprintf(every, sizeof(every), "auto");
	else
		snprintf(every, sizeof(every), "%ld", c->sample_every);
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:s, s:s, s:i,"
			      " s:s, s:o, s:s, s:b, s:s}",
		"contend_spec", RUN_SPEC_VERSION, "locks", tx->locks,
		"threads", tx->threads ? tx->threads : DEFAULT_THREADS_TEXT,
		"cs", tx->cs, "ncs", tx->ncs, "dist", c->exp_dist ? "exp" : "fixed",
		"cs_lines", (int)c->cs_lines, "nlocks", (int)c->nlocks, "permits", (int)c->permits,
		"spin_budget", c->spin_budget ? json_integer(c->spin_budget) : json_null(),
		"duration", tx->duration, "warmup", tx->warmup, "repeat", (int)c->repeats,
		"sample_every", every,
		"seed", seed_given ? json_integer((json_int_t)c->seed) : json_null(),
		"pin", tx->pin, "oversubscribe", c->oversubscribe, "mem", tx->mem);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	if (text == NULL)
		return -1;
	free(c->spec_json);
	c->spec_json = text;
	snprintf(c->spec_hash, sizeof(c->spec_hash), "fnv1a64:%016" PRIx64, fnv1a64(text));
	return 0;
}

static const char *type_words(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

static int add_arg(char ***args, size_t *n, const char *flag, const char *value)
{
	char **grown = realloc(*args, (*n + 1) * sizeof(**args));
	char *a = NULL;

	if (grown == NULL)
		return -1;
	*args = grown;
	if (value ? asprintf(&a, "%s=%s", flag, value) < 0 : (a = strdup(flag)) == NULL)
		return -1;
	grown[(*n)++] = a;
	return 0;
}

void run_spec_free_args(char **args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
}

int run_spec_load(const char *path, char ***args, size_t *nargs, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	const char *key;
	json_t *v;

	*args = NULL;
	*nargs = 0;
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "--spec: cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (root == NULL) {
		snprintf(err, errlen, "%s: not a JSON spec (line %d: %s)", path, jerr.line, jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: a spec is a JSON object, not %s", path, type_words(root));
		goto fail;
	}
	v = json_object_get(root, "contend_spec");
	if (!json_is_integer(v)) {
		snprintf(err, errlen, "%s: key 'contend_spec': missing or not an integer "
			 "(a spec starts with \"contend_spec\": %d)", path, RUN_SPEC_VERSION);
		goto fail;
	}
	if (json_integer_value(v) != RUN_SPEC_VERSION) {
		snprintf(err, errlen, "%s: key 'contend_spec': version %" JSON_INTEGER_FORMAT
			 " is not %d, the one this contend reads", path, json_integer_value(v),
			 RUN_SPEC_VERSION);
		goto fail;
	}
	/* Keys in file order would make the error depend on the writer;
	 * check them in the table's order, unknown keys first. */
	json_object_foreach(root, key, v) {
		bool known = strcmp(key, "contend_spec") == 0;
		for (size_t k = 0; k < NKEYS && !known; k++)
			known = strcmp(spec_keys[k].key, key) == 0;
		if (!known) {
			snprintf(err, errlen, "%s: unknown key '%s' (a spec holds contend run's "
				 "sweep options: locks, threads, cs, ncs, dist, cs_lines, nlocks, "
				 "permits, spin_budget, duration, warmup, repeat, sample_every, seed, "
				 "pin, oversubscribe, mem)", path, key);
			goto fail;
		}
	}
	for (size_t k = 0; k < NKEYS; k++) {
		const struct spec_key *sk = &spec_keys[k];
		char flag[40], num[32];
		const char *want = NULL;
		int rc = 0;

		v = json_object_get(root, sk->key);
		if (v == NULL)
			continue;
		flag_of(sk->key, flag, sizeof(flag));
		switch (sk->type) {
		case T_TEXT:
			if (!json_is_string(v))
				want = "a string";
			else
				rc = add_arg(args, nargs, flag, json_string_value(v));
			break;
		case T_UINT:
		case T_UINT_OR_NULL:
		case T_TEXT_OR_UINT:
			if (json_is_null(v) && sk->type == T_UINT_OR_NULL)
				break;
			if (json_is_string(v) && sk->type == T_TEXT_OR_UINT) {
				rc = add_arg(args, nargs, flag, json_string_value(v));
				break;
			}
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				want = sk->type == T_UINT ? "a non-negative integer"
				     : sk->type == T_UINT_OR_NULL ? "a non-negative integer or null"
				     : "a string or a non-negative integer";
				break;
			}
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			rc = add_arg(args, nargs, flag, num);
			break;
		case T_BOOL:
			if (!json_is_boolean(v))
				want = "true or false";
			else if (json_is_true(v))
				rc = add_arg(args, nargs, flag, NULL);
			break;
		}
		if (want != NULL) {
			snprintf(err, errlen, "%s: key '%s': expected %s, got %s", path, sk->key, want,
				 json_is_integer(v) && json_integer_value(v) < 0
					 ? "a negative integer" : type_words(v));
			goto fail;
		}
		if (rc != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	run_spec_free_args(*args, *nargs);
	*args = NULL;
	*nargs = 0;
	return -1;
}

/* --spec FILE (or --spec=FILE, or an unambiguous abbreviation such as
 * --spe) among the arguments, before they are parsed: *path is the first
 * one's FILE (NULL when --spec is the last argument: getopt reports it). */
static bool find_spec(int argc, char **argv, const char **path)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);

		if (strcmp(a, "--") == 0)
			break;
		if (n < 5 || strncmp(a, "--spec", n) != 0)
			continue;
		if (eq != NULL)
			*path = eq + 1;
		else if (i + 1 < argc)
			*path = argv[i + 1];
		return true;
	}
	return false;
}

/* The spec being run (run_spec_begin): static, so that the usage errors
 * that return from inside contend run's option loop leave nothing
 * unreachable behind; run_spec_end() frees it. */
static struct {
	const char *path;      /* NULL: no spec */
	char **args, **argv;   /* the spec's options; the combined argv */
	size_t nargs;
	int end;               /* argv index of the command line's first argument */
	int seen;              /* --spec options the parser met */
} run;

int run_spec_begin(int *argc, char ***argv, char *err, size_t errlen)
{
	const char *path;

	memset(&run, 0, sizeof(run));
	if (!find_spec(*argc, *argv, &path) || path == NULL)
		return 0;
	if (run_spec_load(path, &run.args, &run.nargs, err, errlen) != 0)
		return -1;
	run.argv = calloc(run.nargs + (size_t)*argc + 1, sizeof(*run.argv));
	if (run.argv == NULL) {
		snprintf(err, errlen, "out of memory");
		run_spec_end();
		return -1;
	}
	run.argv[0] = (*argv)[0];
	memcpy(run.argv + 1, run.args, run.nargs * sizeof(*run.argv));
	memcpy(run.argv + 1 + run.nargs, *argv + 1, (size_t)(*argc - 1) * sizeof(**argv));
	run.end = 1 + (int)run.nargs;
	run.path = path;
	*argc += (int)run.nargs;
	*argv = run.argv;
	return 0;
}

bool run_spec_refuse(const char *sweep_option, const char *spec_arg, int optind, char *err,
		     size_t errlen)
{
	if (run.path == NULL)
		return false;
	/* Options parsed so far end before optind: past run.end, the
	 * command line's. */
	if (sweep_option != NULL && optind > run.end) {
		snprintf(err, errlen, "--%s cannot be combined with --spec %s (a spec runs "
			 "unchanged: edit the spec instead)", sweep_option, run.path);
		run.path = NULL;	/* the message names the flag, not a key */
		return true;
	}
	if (spec_arg != NULL && (strcmp(spec_arg, run.path) != 0 || run.seen++)) {
		snprintf(err, errlen, "--spec %s: only one --spec per run", spec_arg);
		run.path = NULL;
		return true;
	}
	return false;
}

void run_spec_end(void)
{
	run_spec_free_args(run.args, run.nargs);
	free(run.argv);
	memset(&run, 0, sizeof(run));
}

void run_spec_reword(const char *msg, char *out, size_t len)
{
	const char *path = run.path;

	for (size_t k = 0; k < NKEYS && path != NULL; k++) {
		char flag[40];
		size_t n;

		flag_of(spec_keys[k].key, flag, sizeof(flag));
		n = strlen(flag);
		if (strncmp(msg, flag, n) == 0 && (msg[n] == ':' || msg[n] == ' ')) {
			snprintf(out, len, "%s: key '%s': %s", path, spec_keys[k].key, msg);
			return;
		}
	}
	snprintf(out, len, "%s", msg);
}

static int write_spec(FILE *f, void *ctx)
{
	const struct sweep_config *c = ctx;
	json_t *o = json_loads(c->spec_json, 0, NULL);
	int rc = o ? json_dumpf(o, f, JSON_INDENT(2) | JSON_SORT_KEYS) : -1;

	if (rc == 0)
		fputc('\n', f);
	json_decref(o);
	return rc;
}

int run_spec_save(const struct sweep_config *c, const char *path, bool quiet)
{
	char err[512];

	if (run.path != NULL && strcmp(run.path, path) == 0) {
		cli_usage_error("--save-spec %s: the same file as --spec", path);
		return EXIT_USAGE;
	}
	if (atomic_check_writable(path, err, sizeof(err)) != 0) {
		cli_usage_error("--save-spec: %s", err);
		return EXIT_USAGE;
	}
	if (atomic_write_file(path, write_spec, (void *)c, err, sizeof(err)) != 0) {
		cli_error("--save-spec: %s", err);
		return 1;
	}
	if (!quiet)
		fprintf(stderr, "contend run: spec written to %s (%s); not run\n", path,
			c->spec_hash);
	return 0;
}

void run_spec_config_set(json_t *config, const struct sweep_config *c)
{
	if (c->spec_hash[0] == '\0' || c->spec_json == NULL)
		return;
	json_object_set_new(config, "spec_hash", json_string(c->spec_hash));
	json_object_set_new(config, "spec", json_loads(c->spec_json, 0, NULL));
}

static const char *hash_of(const json_t *doc)
{
	return json_string_value(json_object_get(json_object_get(doc, "config"), "spec_hash"));
}

void run_spec_compare_line(FILE *out, const json_t *base, const json_t *new_doc)
{
	const char *a = hash_of(base), *b = hash_of(new_doc);

	if (a != NULL && b != NULL && strcmp(a, b) == 0)
		return;
	if (a != NULL && b != NULL)
		fprintf(out, "sweep: NOT the same sweep: spec hashes differ (BASE %s, NEW %s); "
			"points are matched by their parameters only\n", a, b);
	else
		fprintf(out, "sweep: not known to be the same sweep: %s no config.spec_hash "
			"(written before sweep specs); points are matched by their parameters only\n",
			a == NULL && b == NULL ? "neither file has" : a == NULL ? "BASE has" : "NEW has");
}
