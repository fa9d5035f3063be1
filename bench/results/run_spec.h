/*
 * run_spec.h - sweep spec files (`contend run --spec FILE`, `--save-spec
 * FILE`): the options of `contend run` that shape a sweep, written once and
 * run unchanged on every host, and the hash that tells two results files
 * whether they ran the same sweep (config.spec_hash, results/SCHEMA.md).
 *
 * A spec is a JSON object: "contend_spec": 1 and a key per sweep option,
 * named as the option without its dashes, '-' as '_' (locks, threads, cs,
 * ncs, dist, cs_lines, nlocks, permits, spin_budget, duration, warmup,
 * repeat, sample_every, seed, pin, oversubscribe, mem). Lists, times and
 * policies are strings written as on the command line ("1,2,1x,4x",
 * "50ns,1us"), so relative values (Nx the CPU count, cycles) are resolved
 * by each host; counts are integers, oversubscribe a boolean, spin_budget
 * and seed an integer or null (the lock's own budget; a seed per run). A
 * key left out takes contend run's default.
 *
 * The canonical spec is the object with every key present, defaults
 * filled in, written with sorted keys and no spaces; config.spec_hash is
 * "fnv1a64:" and the 64-bit FNV-1a hash of that text in hex. It depends on
 * the spec only, never on the host: the same command line or spec file
 * gives the same hash everywhere. FNV-1a tells sweeps apart; it is not
 * meant to resist someone forging a collision.
 */
#ifndef CONTEND_RUN_SPEC_H
#define CONTEND_RUN_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "sweep.h"

/* The spec format this contend reads and writes. */
#define RUN_SPEC_VERSION 1

/* The option texts of a command line, after contend run's defaults; threads
 * NULL when not given (then the default sweep: "1,2,1x,4x", oversubscribed). */
struct run_spec_texts {
	const char *locks, *threads, *cs, *ncs, *duration, *warmup, *pin, *mem;
};

/*
 * The canonical spec of a parsed command line: the texts above and the
 * counts of c (dist, cs_lines, nlocks, permits, spin_budget, repeats,
 * sample_every, oversubscribe; seed when seed_given). Sets c->spec_hash and
 * c->spec_json (malloc'd canonical text, the caller frees it). 0, or -1
 * when out of memory.
 */
int run_spec_make(const struct run_spec_texts *tx, struct sweep_config *c, bool seed_given);

/*
 * Read a spec file into options for contend run: *args gets "--key=value"
 * strings (malloc'd, each and the array; run_spec_free_args). Returns 0, or
 * -1 with a one-line message naming the file and, where one is at fault,
 * the key ("s.json: key 'repeat': expected an integer, got a string").
 */
int run_spec_load(const char *path, char ***args, size_t *nargs, char *err, size_t errlen);
void run_spec_free_args(char **args, size_t nargs);

/*
 * contend run's side. run_spec_begin: when the arguments hold --spec FILE
 * (or --spec=FILE, or an abbreviation), load it and make *argv the spec's
 * options followed by the command line's (kept here until run_spec_end).
 * 0 (also without --spec), or -1 with a one-line message in err.
 */
int run_spec_begin(int *argc, char ***argv, char *err, size_t errlen);

/*
 * Called for every option the parser returns: true, with the message in
 * err, when a spec is being run and sweep_option (the long name of a sweep
 * option, NULL for others) came from the command line (the parser's optind
 * is past the spec's options), or spec_arg (the value of a --spec option,
 * NULL for others) is a second --spec. A spec runs unchanged.
 */
bool run_spec_refuse(const char *sweep_option, const char *spec_arg, int optind, char *err,
		     size_t errlen);

/* Forget the spec being run and free its arguments. */
void run_spec_end(void);

/*
 * Errors of the option parser about an option that came from the spec
 * being run (they name the flag, "--threads: ..."): the same message, led
 * by the file and key ("s.json: key 'threads': --threads: ..."). Other
 * messages, and all without a spec, are copied unchanged.
 */
void run_spec_reword(const char *msg, char *out, size_t len);

/* --save-spec: write c->spec_json, indented, atomically to path and say so
 * on stderr unless quiet. Returns contend run's exit status: 0, 2 for a
 * path that cannot be written (or the spec being run), 1 on a write error;
 * errors are printed. */
int run_spec_save(const struct sweep_config *c, const char *path, bool quiet);


/* config.spec_hash and config.spec of the results (no-op without a hash). */
void run_spec_config_set(json_t *config, const struct sweep_config *c);

/*
 * `contend compare`: one line on out when BASE and NEW were not the same
 * sweep: their config.spec_hash differ, or one lacks it. Nothing when equal.
 */
void run_spec_compare_line(FILE *out, const json_t *base, const json_t *new_doc);

#endif
