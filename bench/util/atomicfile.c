/* atomicfile.c - see atomicfile.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

char atomic_file_pending[4096];

static void dir_of(const char *path, char *buf, size_t len)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(buf, len, "%s", dirname(tmp));
}

int atomic_check_writable(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	struct stat st;

	if (path[0] == '\0') {
		snprintf(err, errlen, "empty file name");
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%s' is a directory", path);
		return -1;
	}
	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "cannot write '%s': directory '%s' does not exist", path, dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "cannot write '%s': directory '%s' is not writable", path, dir);
		return -1;
	}
	return 0;
}

int atomic_write_file(const char *path, int (*write_fn)(FILE *f, void *ctx), void *ctx,
		      char *err, size_t errlen)
{
	char dir[4096], tmp[4096];
	sigset_t block, saved;
	int fd, rc = -1;
	FILE *f;

	dir_of(path, dir, sizeof(dir));
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.XXXXXX", dir,
		     strrchr(path, '/') ? strrchr(path, '/') + 1 : path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "cannot write '%s': path too long", path);
		return -1;
	}
	/* Publish the temporary name before it exists, with signals held so
	 * that a handler never sees half a name. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &saved);
	fd = mkstemp(tmp);
	if (fd >= 0)
		memcpy(atomic_file_pending, tmp, strlen(tmp) + 1);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (f == NULL) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	if (write_fn(f, ctx) != 0 || fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 errno ? strerror(errno) : "write failed");
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sigprocmask(SIG_BLOCK, &block, &saved);
	if (rc != 0)
		unlink(tmp);
	atomic_file_pending[0] = '\0';
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Staged output directory (see atomicfile.h)                                */

#define MARKER_FILE ".contend-output"

/* A new string A + B; exits on out of memory as the rest of contend does. */
static char *concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (!s) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

int staged_dir_begin(struct staged_dir *sd, const char *target, char *err, size_t errlen)
{
	struct stat st;
	size_t len = strlen(target);

	memset(sd, 0, sizeof(*sd));
	while (len > 1 && target[len - 1] == '/')
		len--;
	if (len == 0) {
		snprintf(err, errlen, "-o: empty directory name");
		return -1;
	}
	sd->target = strndup(target, len);
	if (stat(sd->target, &st) == 0) {
		char *marker = concat(sd->target, "/" MARKER_FILE);
		bool ours = access(marker, F_OK) == 0;

		free(marker);
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a directory", sd->target);
			goto fail;
		}
		/* Never replace what a user keeps there: only our own output
		 * (the marker is written last, on commit) or an empty dir. */
		if (!ours && !dir_is_empty(sd->target)) {
			snprintf(err, errlen, "%s: exists, is not empty and was not written by contend; "
			       "choose another output directory", sd->target);
			goto fail;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", sd->target, strerror(errno));
		goto fail;
	}
	sd->tmp = concat(sd->target, ".tmp-XXXXXX");
	if (!mkdtemp(sd->tmp)) {
		snprintf(err, errlen, "%s: cannot create a directory beside it: %s", sd->target,
		       strerror(errno));
		free(sd->tmp);
		sd->tmp = NULL;
		goto fail;
	}
	/* mkdtemp makes it 0700; the output is for sharing (a report served
	 * by a web server), so give it the permissions of a plain mkdir. */
	mode_t mask = umask(0);
	umask(mask);
	chmod(sd->tmp, 0777 & ~mask);
	return 0;
fail:
	free(sd->target);
	sd->target = NULL;
	return -1;
}

int staged_dir_commit(struct staged_dir *sd, char *err, size_t errlen)
{
	char *marker = concat(sd->tmp, "/" MARKER_FILE);
	FILE *m = fopen(marker, "w");

	free(marker);
	if (!m || fputs("Written by contend. The next contend plot/report/compare with -o here "
			"replaces this whole directory.\n", m) < 0 || fclose(m) != 0) {
		snprintf(err, errlen, "%s: cannot write " MARKER_FILE ": %s", sd->tmp, strerror(errno));
		return -1;
	}
	if (rename(sd->tmp, sd->target) == 0)
		goto done;
	if (errno != EEXIST && errno != ENOTEMPTY && errno != EISDIR) {
		snprintf(err, errlen, "%s: cannot rename %s into place: %s", sd->target, sd->tmp,
		       strerror(errno));
		return -1;
	}
	/* The target holds an earlier output: swap atomically, so a reader
	 * sees the old or the new directory whole, then drop the old one. */
	if (renameat2(AT_FDCWD, sd->tmp, AT_FDCWD, sd->target, RENAME_EXCHANGE) != 0) {
		/* A file system without RENAME_EXCHANGE: move the old one aside. */
		char *old = concat(sd->target, ".old-XXXXXX");

		if (!mkdtemp(old) || rmdir(old) != 0 || rename(sd->target, old) != 0 ||
		    rename(sd->tmp, sd->target) != 0) {
			snprintf(err, errlen, "%s: cannot replace it: %s", sd->target, strerror(errno));
			free(old);
			return -1;
		}
		remove_tree(old);
		free(old);
		goto done;
	}
	remove_tree(sd->tmp);   /* now the previous output */
done:
	free(sd->tmp);
	sd->tmp = NULL;
	return 0;
}

void staged_dir_abort(struct staged_dir *sd)
{
	if (sd->tmp)
		remove_tree(sd->tmp);
	free(sd->tmp);
	free(sd->target);
	memset(sd, 0, sizeof(*sd));
}
