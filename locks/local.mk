# The lock library: one file per algorithm (locks/<algo>.c) plus the registry.
# A new lock is its file here, in LOCK_ALGO_SOURCES, and one line in
# locks/registry.def; tests/locks/registry.sh fails if either is missing.

LOCK_ALGO_SOURCES = \
	locks/tas.c locks/ttas.c locks/cas.c locks/ticket.c locks/mcs.c \
	locks/clh.c locks/futex.c locks/lll.c locks/sem.c locks/pthread.c \
	locks/posix_sem.c locks/qspinlock.c locks/hemlock.c \
	locks/mcs_tp.c locks/clh_tp.c locks/mcs_park.c locks/malthusian.c
LOCK_PEER_SOURCES = locks/ck.c

LOCK_SOURCES = locks/lock.h locks/lock_define.h locks/futex.h locks/timepub.h locks/park.h locks/schedpoint.h locks/mcsqueue.h \
	harness/hotloop.h locks/registry.c \
	locks/registry.def $(LOCK_ALGO_SOURCES)
if HAVE_CK
LOCK_SOURCES += $(LOCK_PEER_SOURCES)
endif

noinst_LIBRARIES += liblocks.a
liblocks_a_SOURCES = $(LOCK_SOURCES)
liblocks_a_CPPFLAGS = $(LOCKS_CPPFLAGS)
liblocks_a_CFLAGS = $(AM_CFLAGS) $(CK_CFLAGS)
EXTRA_DIST += $(LOCK_PEER_SOURCES)
