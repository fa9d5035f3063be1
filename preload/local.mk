# preload/local.mk: libcontend-preload.so, the LD_PRELOAD library of
# `contend profile` (see preload/README.md), and its tests.

pkglib_LTLIBRARIES += preload/libcontend-preload.la
preload_libcontend_preload_la_SOURCES = preload/preload.h preload/table.c \
	preload/init.c preload/interpose.c preload/record.c preload/subst.c \
	preload/report.c preload/more.c preload/order.c
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
