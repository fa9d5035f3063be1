/*
 * check_results.c - validate results JSON files against results/SCHEMA.md
 * with the same reader contend plot/report/compare use. Used by the tests
 * of contend run on the files it writes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <jansson.h>
#include <stdio.h>

#include "reader.h"

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: check_results FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		json_error_t jerr;
		char err[512];
		json_t *root = json_load_file(argv[i], 0, &jerr);
		if (root == NULL) {
			printf("FAIL %s: not JSON: %s (line %d)\n", argv[i], jerr.text, jerr.line);
			failed = 1;
			continue;
		}
		if (results_validate(root, err, sizeof(err)) != 0) {
			printf("FAIL %s: %s\n", argv[i], err);
			failed = 1;
		} else {
			printf("valid %s: results JSON of schema version %lld\n", argv[i],
			       (long long)json_integer_value(json_object_get(root, "schema_version")));
		}
		json_decref(root);
	}
	return failed;
}
