/*
 * replay.c - main() for a fuzz target built without libFuzzer: runs inputs
 * through LLVMFuzzerTestOneInput once each. With arguments, each is a file
 * or a directory of inputs (to reproduce a crash: `tests/reliability/fuzz_options
 * crash-1234`). Without, it replays the committed seed corpus
 * fuzz/corpus-NAME/ and every crash input in fuzz/regressions/NAME/ of the
 * source tree: the regression test `make check` runs. A crash aborts
 * the process, so the last "replay" line in the log names the input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef CONTEND_SRCDIR
#define CONTEND_SRCDIR "."
#endif

static long replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	/* Announce first: if the input crashes, the log ends with its name. */
	printf("# replay %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays a file, or every regular file of a directory in name order;
 * returns the inputs replayed or -1. A missing directory counts 0 when
 * optional. */
static long replay_path(const char *path, int optional)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (optional && errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);

	DIR *dir = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long total = 0;

	if (dir == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (nn == NULL)
				break;
			names = nn;
		}
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		if ((names[n] = malloc(len)) == NULL)
			break;
		snprintf(names[n++], len, "%s/%s", path, e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat fst;
		if (total >= 0 && stat(names[i], &fst) == 0 && S_ISREG(fst.st_mode)) {
			long r = replay_file(names[i]);
			total = r < 0 ? -1 : total + r;
		}
		free(names[i]);
	}
	free(names);
	return total;
}

int main(int argc, char **argv)
{
	long total = 0, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			if ((r = replay_path(argv[i], 0)) < 0)
				return 1;
			total += r;
		}
		printf("# %ld inputs of target %s replayed\n", total, fuzz_target_name);
		return 0;
	}

	char corpus[4096], regressions[4096];
	snprintf(corpus, sizeof(corpus), "%s/fuzz/corpus-%s", CONTEND_SRCDIR, fuzz_target_name);
	snprintf(regressions, sizeof(regressions), "%s/fuzz/regressions/%s", CONTEND_SRCDIR,
		 fuzz_target_name);
	/* make check: TAP, one case per directory (a crash leaves no plan,
	 * and the log ends with the input's name). */
	long seeds = replay_path(corpus, 0);
	printf("%s 1 - target %s: %ld seed inputs replayed\n",
	       seeds > 0 ? "ok" : "not ok", fuzz_target_name, seeds);
	long crashes = replay_path(regressions, 1);
	printf("%s 2 - target %s: %ld former crash inputs replayed\n",
	       crashes >= 0 ? "ok" : "not ok", fuzz_target_name, crashes);
	printf("1..2\n");
	return seeds > 0 && crashes >= 0 ? 0 : 1;
}
