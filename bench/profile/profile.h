/*
 * profile.h - the parts of `contend profile` (cmd_profile.c: options and
 * the two modes): running the program under the preload library
 * (profile_run.c), what is made of the profiles it leaves (profile_output.c)
 * and the --html page (profile_html.c).
 */
#ifndef CONTEND_PROFILE_H
#define CONTEND_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "atomicfile.h"
#include "symbolize.h"

/* How the program runs: the library and the CONTEND_PROFILE_* settings. */
struct run_opts {
	const char *lib;
	const char *lock;   /* NULL or "glibc": profile only */
	const char *out;    /* NULL: no JSON */
	int top, frames;
	bool quiet;
};

/* The library's path into out (a one-line error and -1 when not found). */
int profile_find_preload(char *out, size_t len);
/* 0 when NAME would run; else a one-line error and 127 or 126. */
int profile_check_program(const char *name);
/* Runs cmd under the library; its exit status as a shell reports it (128 +
 * signal when killed), or -1 when it could not be started. */
int profile_run_cmd(const struct run_opts *o, char **cmd, uint64_t *wall_ns);
/* A fresh mode-0700 directory for the library's files (NULL with a one-line
 * error), and its removal with the files in it. */
char *profile_private_dir(char *buf, size_t len);
void profile_remove_private_dir(const char *dir);

/* What the user asked for from a profiled run. */
struct post_opts {
	const char *user_out; /* -o, or NULL */
	const char *folded;   /* --folded, or NULL */
	struct staged_dir *html; /* --html, begun; NULL without */
	const char *pprof;    /* --pprof, or NULL */
	int top;
	bool quiet;
};

/* The profiles a run left in dir, symbolised, printed and written as asked
 * (profile_output.c). 0, or 1 when an output could not be written. */
int profile_post_process(const char *dir, const struct post_opts *po);
/* Names for the frames of one process's profile. */
void profile_symbolise(json_t *prof, struct symbolizer *sym);
/* Names one frame (function, function_offset, file, line). */
void profile_name_frame(json_t *frame, struct symbolizer *sym);
/* The lock-order cycles (profile_order.c): their frames named, printed on
 * stderr, drawn on the page. */
void profile_symbolise_order(json_t *prof, struct symbolizer *sym);
void profile_print_order(json_t *prof, FILE *out);
void profile_html_order(FILE *f, json_t *prof);
/* A frame in words; with_place false: the function name alone if known. */
void profile_frame_label(json_t *frame, bool with_place, char *buf, size_t len);
/* The call that waited, by wait-site kind: "pthread_mutex_lock", ... */
const char *profile_wait_call(const char *kind);
/* The last component of a path. */
const char *profile_base_of(const char *path);

/* The profiles of one run, for the --html page. */
struct profile_set {
	json_t **profs;
	size_t n;
	int top;
};
/* Writes the page (an atomic_write_file writer; arg: struct profile_set). */
int profile_write_html(FILE *f, void *arg);

/* --pprof: false when contend was built without zlib. */
bool profile_pprof_available(void);
/* Writes the gzipped profile.proto (an atomic_write_file writer; arg:
 * struct profile_set). profile_pprof.c. */
int profile_write_pprof(FILE *f, void *arg);

#endif
