# tests/machines/local.mk: where contend's threads and memory really were
# (the placement records of results/SCHEMA.md), checked against the plan.

# The planted bugs of the negative controls (misplace.c), an LD_PRELOAD
# library built for the tests only (the aarch64 tree builds its own).
check_LTLIBRARIES += tests/machines/libmisplace.la
tests_machines_libmisplace_la_SOURCES = tests/machines/misplace.c
tests_machines_libmisplace_la_LDFLAGS = -module -avoid-version -shared -rpath '$(abs_builddir)'

# In make check: the placement records on this machine.
MACHINES_TESTS = tests/machines/placement.sh
TESTS += $(MACHINES_TESTS)
EXTRA_DIST += $(MACHINES_TESTS)
tests/machines/placement.log: tests/machines/libmisplace.la
