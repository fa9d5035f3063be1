# results/local.mk: the results schema (SCHEMA.md, in Makefile.am's
# EXTRA_DIST) and the reference runs from real machines (results/README.md):
# data and charts, shipped in the release tarball too. The reader of the
# format is code, so it lives with its callers (bench/results/reader.c).
EXTRA_DIST += results/README.md results/reference
