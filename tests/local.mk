# make check: correctness of every lock, the harness, the CLI, JSON and plots.

LOCKCHECK_SOURCES = tests/lockcheck.c tests/lockcheck.h
LOCKCHECK_LDADD = liblocks.a $(CK_LIBS)

check_PROGRAMS += tests/validate tests/negative_control tests/liveness \
	tests/sem_permits tests/trylock_prompt
tests_trylock_prompt_SOURCES = tests/trylock_prompt.c
tests_trylock_prompt_LDADD = $(LOCKCHECK_LDADD)
tests_validate_SOURCES = tests/validate.c $(LOCKCHECK_SOURCES)
tests_validate_LDADD = $(LOCKCHECK_LDADD)
tests_negative_control_SOURCES = tests/negative_control.c tests/broken_lock.c \
	tests/broken_lock.h $(LOCKCHECK_SOURCES)
tests_negative_control_LDADD = $(LOCKCHECK_LDADD)
tests_liveness_SOURCES = tests/liveness.c tests/lossy_lock.h $(LOCKCHECK_SOURCES)
tests_liveness_LDADD = $(LOCKCHECK_LDADD)
# White box: locks/clh.c with test points inside its trylock.
check_PROGRAMS += tests/clh_abandon
tests_clh_abandon_SOURCES = tests/clh_abandon.c
TESTS += tests/clh_abandon
# White box: mcs-tp's release past a stale waiter (locks/mcs_tp.c compiled in).
check_PROGRAMS += tests/mcs_tp_skip
tests_mcs_tp_skip_SOURCES = tests/mcs_tp_skip.c
TESTS += tests/mcs_tp_skip
check_PROGRAMS += tests/baseline_errors
tests_baseline_errors_SOURCES = tests/baseline_errors.c
tests_baseline_errors_LDADD = $(LOCKCHECK_LDADD)
TESTS += tests/baseline_errors
# spin models of the futex protocols (models/*.pml).
TESTS += tests/models.sh
EXTRA_DIST += tests/models.sh models/futex.pml models/lll.pml models/sem.pml \
	models/futex_spin.pml
# The lost wake-up negative control: liveness.c's checks on tests/lossy_lock.c.
check_PROGRAMS += tests/liveness_lossy
tests_liveness_lossy_SOURCES = tests/liveness.c tests/lossy_lock.c tests/lossy_lock.h \
	$(LOCKCHECK_SOURCES)
tests_liveness_lossy_CFLAGS = $(AM_CFLAGS) -DLIVENESS_NEGATIVE_CONTROL
tests_liveness_lossy_LDADD = $(LOCKCHECK_LDADD)
TESTS += tests/liveness_lossy
tests_sem_permits_SOURCES = tests/sem_permits.c $(LOCKCHECK_SOURCES)
tests_sem_permits_LDADD = $(LOCKCHECK_LDADD)
check_PROGRAMS += tests/fair_shares
tests_fair_shares_SOURCES = tests/fair_shares.c
tests_fair_shares_LDADD = $(LOCKCHECK_LDADD)

TESTS += tests/registry.sh tests/validate tests/negative_control \
	tests/liveness tests/sem_permits tests/trylock_prompt tests/fair_shares
EXTRA_DIST += tests/registry.sh

# clh-tp's removal protocol, model-checked with spin (skips without it).
TESTS += tests/clh_tp_model.sh
EXTRA_DIST += tests/clh_tp_model.sh locks/clh_tp.pml

# The layers stay apart (lock.h free of the loop, preload without it).
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh

check_PROGRAMS += tests/test_harness
tests_test_harness_SOURCES = tests/test_harness.c tests/broken_lock.c tests/broken_lock.h
tests_test_harness_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
tests_test_harness_LDADD = $(HARNESS_LIBS)
TESTS += tests/test_harness

# The sweep engine driven without the CLI; the machine-changed flag.
check_PROGRAMS += tests/test_sweep
tests_test_sweep_SOURCES = tests/test_sweep.c tests/unit.h
tests_test_sweep_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS)
tests_test_sweep_LDADD = $(HARNESS_LIBS)
TESTS += tests/test_sweep
TESTS += tests/run_cli.sh tests/run_interrupt.sh tests/run_measure.sh
EXTRA_DIST += tests/run_cli.sh tests/run_interrupt.sh tests/run_measure.sh

# Validates the files contend run writes with the reader of plot/report.
check_PROGRAMS += tests/check_results
tests_check_results_SOURCES = tests/check_results.c $(RESULTS_READER_SOURCES)
tests_check_results_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_check_results_LDADD = $(JANSSON_LIBS) -lm

dist_man_MANS += doc/contend.1
TESTS += tests/manpage.sh
EXTRA_DIST += tests/manpage.sh
