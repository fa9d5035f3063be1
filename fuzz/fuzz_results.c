/*
 * fuzz_results.c - fuzz target for the results-JSON reader that contend
 * plot, report and compare use on every input file (bench/results/reader.h).
 *
 * The input is a would-be results file. It goes through
 *  1. json_loadb + results_validate(), the schema check, and
 *  2. results_load(), which re-reads it from a file (a memfd here, so no
 *     disk is touched), validates it, and flattens every point; then the
 *     helpers that format what a loaded file holds.
 * Besides crashes, leaks and undefined behaviour (the sanitizers), it
 * checks that the two agree: a file results_load() accepts must pass
 * results_validate(), a rejected one gets a message that names the path,
 * and a loaded file has its points.
 */
#define _GNU_SOURCE 1
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "reader.h"

const char fuzz_target_name[] = "results";

static void use_loaded(const struct results_file *f)
{
	char buf[512];

	FUZZ_CHECK(f->npoints > 0 && f->points != NULL, "loaded with %zu points", f->npoints);
	results_machine_label(f, buf, sizeof(buf));
	for (size_t i = 0; i < f->npoints; i++) {
		const struct result_point *p = &f->points[i];
		FUZZ_CHECK(p->lock != NULL && p->pin != NULL, "point %zu without lock or pin", i);
		result_point_key_str(p, buf, sizeof(buf));
		(void)result_point_same_key(p, &f->points[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "", path[64];
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	int valid = -1;

	if (root != NULL) {
		valid = results_validate(root, err, sizeof(err));
		FUZZ_CHECK(valid == 0 || err[0] != '\0', "rejected without a message");
		json_decref(root);
	}

	int fd = memfd_create("fuzz-results", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct results_file *f = results_load(path, err, sizeof(err));
	if (f != NULL) {
		FUZZ_CHECK(valid == 0, "results_load() accepted what results_validate() rejects");
		use_loaded(f);
		results_free(f);
	} else {
		FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0,
			   "message does not start with the path: '%s'", err);
	}
	close(fd);
	return 0;
}
