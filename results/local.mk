# results/local.mk: the results JSON reader (results/SCHEMA.md) shared by
# contend plot, report and compare, and by the tests of contend run
# (results_validate()).

RESULTS_READER_SOURCES = results/reader.c results/reader.h
CONTEND_EXTRA_SOURCES += $(RESULTS_READER_SOURCES)

check_PROGRAMS += tests/test_reader
TESTS += tests/test_reader
tests_test_reader_SOURCES = tests/test_reader.c $(RESULTS_READER_SOURCES)
tests_test_reader_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_test_reader_LDADD = $(JANSSON_LIBS) -lm

# Fixtures: hand-made sweeps of schema version 1 (two machines, one failed
# point, null latency and cv, noisy and probe-moved points), a pair with known
# NEW/BASE ratios for compare, and bad inputs.
RESULTS_FIXTURES = \
	tests/data/sweep-alpha.json tests/data/sweep-beta.json \
	tests/data/compare-base.json tests/data/compare-new.json \
	tests/data/compare-aa-base.json tests/data/compare-aa-new.json \
	tests/data/bad-empty-results.json tests/data/bad-newer-schema.json \
	tests/data/bad-not-json.json tests/data/bad-other-tool.json
EXTRA_DIST += $(RESULTS_FIXTURES)

# Reference runs from a real machine (results/README.md): data and charts,
# shipped in the release tarball too.
EXTRA_DIST += results/README.md results/reference
