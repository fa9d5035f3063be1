/*
 * atomicfile.h - write a file so that readers (and a crash, SIGKILL or a
 * full disk) only ever see the old version or the complete new one: write a
 * temporary file in the same directory, fsync it, rename it over the target.
 */
#ifndef CONTEND_ATOMICFILE_H
#define CONTEND_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

/* Calls write(f, ctx) on a temporary file next to path and renames it into
 * place if write returned 0 and every byte reached the disk. Returns 0, or
 * -1 with a one-line message naming path in err (the temporary file is
 * removed). */
int atomic_write_file(const char *path, int (*write)(FILE *f, void *ctx), void *ctx,
		      char *err, size_t errlen);

/* The temporary file being written, or "" — for a signal handler that must
 * exit at once to unlink() (async-signal-safe). */
extern char atomic_file_pending[4096];

/* 0 when a file could be created at path (its directory exists and is
 * writable); -1 with a message otherwise. Creates nothing. */
int atomic_check_writable(const char *path, char *err, size_t errlen);

/*
 * An output directory built beside its target and renamed into place when
 * complete, so a failed run never leaves something that looks finished.
 * An existing target is replaced only if a previous contend run made it (it
 * holds the marker file .contend-output) or it is empty.
 */
struct staged_dir {
	char *target;
	char *tmp;          /* where to write until commit */
};
int staged_dir_begin(struct staged_dir *sd, const char *target, char *err, size_t errlen);
int staged_dir_commit(struct staged_dir *sd, char *err, size_t errlen);
/* Remove the staging directory; safe after a commit or a failed begin. */
void staged_dir_abort(struct staged_dir *sd);

#endif
