# preload/local.mk: libcontend-preload.so, the LD_PRELOAD library of
# `contend profile` (see preload/README.md), and its tests.

pkglib_LTLIBRARIES += preload/libcontend-preload.la
preload_libcontend_preload_la_SOURCES = preload/preload.h preload/table.c \
	preload/init.c preload/interpose.c preload/record.c preload/subst.c \
	preload/report.c preload/more.c
# Hidden by default: the library exports only the functions it interposes.
preload_libcontend_preload_la_CPPFLAGS = $(PRELOAD_CPPFLAGS)
preload_libcontend_preload_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
preload_libcontend_preload_la_LDFLAGS = -module -avoid-version -shared
preload_libcontend_preload_la_LIBADD = preload/libpreload-locks.la $(CK_LIBS) -ldl

# The registry's locks, compiled PIC for the library. Their calls of glibc's
# mutex functions (the `pthread` baselines) are renamed to interpose.c's
# contend_real_mutex_*, which go straight to glibc: through the exported
# names they would come back into our own wrappers.
noinst_LTLIBRARIES += preload/libpreload-locks.la
preload_libpreload_locks_la_SOURCES = $(LOCK_SOURCES)
preload_libpreload_locks_la_CPPFLAGS = $(LOCKS_CPPFLAGS) -DLOCK_NO_HOT_LOOP \
	-Dpthread_mutex_init=contend_real_mutex_init \
	-Dpthread_mutex_destroy=contend_real_mutex_destroy \
	-Dpthread_mutex_lock=contend_real_mutex_lock \
	-Dpthread_mutex_trylock=contend_real_mutex_trylock \
	-Dpthread_mutex_unlock=contend_real_mutex_unlock
preload_libpreload_locks_la_CFLAGS = $(AM_CFLAGS) $(CK_CFLAGS) -fvisibility=hidden

EXTRA_DIST += preload/README.md preload/overhead.sh preload/flame-x264.svg

# Tests: small programs of our own, each exercising one case the library
# must survive, run under `contend profile` by tests/profile*.sh. Linked
# with -export-dynamic so that dladdr() can name their functions.
PRELOAD_TEST_BINS = tests/preload_static tests/preload_condvar \
	tests/preload_fork tests/preload_recursive tests/preload_contend \
	tests/preload_sites tests/preload_reinit
check_PROGRAMS += $(PRELOAD_TEST_BINS)
tests_preload_static_SOURCES = tests/preload_static.c tests/preload_common.h
tests_preload_static_LDFLAGS = -export-dynamic
tests_preload_condvar_SOURCES = tests/preload_condvar.c tests/preload_common.h
tests_preload_condvar_LDFLAGS = -export-dynamic
tests_preload_fork_SOURCES = tests/preload_fork.c tests/preload_common.h
tests_preload_fork_LDFLAGS = -export-dynamic
tests_preload_recursive_SOURCES = tests/preload_recursive.c tests/preload_common.h
tests_preload_recursive_LDFLAGS = -export-dynamic
tests_preload_contend_SOURCES = tests/preload_contend.c tests/preload_common.h
tests_preload_contend_LDFLAGS = -export-dynamic
tests_preload_reinit_SOURCES = tests/preload_reinit.c tests/preload_common.h
tests_preload_reinit_LDFLAGS = -export-dynamic
# -g whatever CFLAGS say: the wait-site tests check function and file:line.
tests_preload_sites_SOURCES = tests/preload_sites.c tests/preload_common.h
tests_preload_sites_CFLAGS = $(AM_CFLAGS) -g
TESTS += tests/profile.sh tests/profile-locks.sh tests/profile-tmpfiles.sh \
	tests/profile-errors.sh tests/profile-sites.sh tests/profile-html.sh
EXTRA_DIST += tests/profile.sh tests/profile-locks.sh tests/profile-tmpfiles.sh \
	tests/profile-errors.sh tests/profile-sites.sh tests/profile-html.sh
