# tests/preload/local.mk: contend profile and its LD_PRELOAD library.

# Tests: small programs of our own, each exercising one case the library
# must survive, run under `contend profile` by tests/preload/profile*.sh. Linked
# with -export-dynamic so that dladdr() can name their functions.
PRELOAD_TEST_BINS = tests/preload/preload_static tests/preload/preload_condvar \
	tests/preload/preload_fork tests/preload/preload_recursive tests/preload/preload_contend \
	tests/preload/preload_sites tests/preload/preload_reinit tests/preload/preload_soak
check_PROGRAMS += $(PRELOAD_TEST_BINS)
tests_preload_preload_static_SOURCES = tests/preload/preload_static.c tests/preload/preload_common.h
tests_preload_preload_static_LDFLAGS = -export-dynamic
tests_preload_preload_condvar_SOURCES = tests/preload/preload_condvar.c tests/preload/preload_common.h
tests_preload_preload_condvar_LDFLAGS = -export-dynamic
tests_preload_preload_fork_SOURCES = tests/preload/preload_fork.c tests/preload/preload_common.h
tests_preload_preload_fork_LDFLAGS = -export-dynamic
tests_preload_preload_recursive_SOURCES = tests/preload/preload_recursive.c tests/preload/preload_common.h
tests_preload_preload_recursive_LDFLAGS = -export-dynamic
tests_preload_preload_contend_SOURCES = tests/preload/preload_contend.c tests/preload/preload_common.h
tests_preload_preload_contend_LDFLAGS = -export-dynamic
tests_preload_preload_reinit_SOURCES = tests/preload/preload_reinit.c tests/preload/preload_common.h
tests_preload_preload_reinit_LDFLAGS = -export-dynamic
tests_preload_preload_soak_SOURCES = tests/preload/preload_soak.c tests/preload/preload_common.h
tests_preload_preload_soak_LDFLAGS = -export-dynamic
# -g whatever CFLAGS say: the wait-site tests check function and file:line.
tests_preload_preload_sites_SOURCES = tests/preload/preload_sites.c tests/preload/preload_common.h
tests_preload_preload_sites_CFLAGS = $(AM_CFLAGS) -g
# Lock orders for the lock-order graph (profile_order.sh); -g for file:line.
check_PROGRAMS += tests/preload/preload_order
tests_preload_preload_order_SOURCES = tests/preload/preload_order.c tests/preload/preload_common.h
tests_preload_preload_order_CFLAGS = $(AM_CFLAGS) -g
PRELOAD_TESTS = tests/preload/profile.sh tests/preload/profile_locks.sh \
	tests/preload/profile_tmpfiles.sh tests/preload/profile_errors.sh \
	tests/preload/profile_sites.sh tests/preload/profile_html.sh tests/preload/profile_soak.sh \
	tests/preload/profile_pprof.sh tests/preload/profile_order.sh
TESTS += $(PRELOAD_TESTS)
EXTRA_DIST += $(PRELOAD_TESTS)
