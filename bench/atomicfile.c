/* atomicfile.c - see atomicfile.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
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
