# tests/locks/local.mk: correctness of every lock of the registry (mutual
# exclusion, K permits, trylock, lost wake-ups, fairness), the negative
# controls that prove the checks can fail, white-box tests of clh, mcs-tp and
# malthusian, spin models of the protocols.

check_PROGRAMS += tests/locks/validate tests/locks/negative_control tests/locks/liveness \
	tests/locks/liveness_lossy tests/locks/sem_permits tests/locks/trylock_prompt \
	tests/locks/fair_shares tests/locks/clh_abandon tests/locks/mcs_tp_skip \
	tests/locks/malthusian_pick tests/locks/baseline_errors tests/locks/sem_destroy tests/locks/tsan_locks \
	tests/locks/misordered_lock tests/locks/staged_malthusian \
	tests/locks/staged_qspinlock tests/locks/staged_clh tests/locks/staged_clh_tp
LOCKS_TESTS = tests/locks/registry.sh tests/locks/validate tests/locks/negative_control \
	tests/locks/liveness tests/locks/liveness_lossy tests/locks/sem_permits \
	tests/locks/trylock_prompt tests/locks/fair_shares tests/locks/clh_abandon \
	tests/locks/mcs_tp_skip tests/locks/malthusian_pick tests/locks/baseline_errors \
	tests/locks/sem_destroy tests/locks/tsan_locks tests/locks/misordered_lock tests/locks/models.sh \
	tests/locks/clh_tp_model.sh tests/locks/protocol_models.sh tests/locks/staged_malthusian tests/locks/staged_qspinlock \
	tests/locks/staged_clh tests/locks/staged_clh_tp
TESTS += $(LOCKS_TESTS)
EXTRA_DIST += tests/locks/registry.sh tests/locks/models.sh tests/locks/clh_tp_model.sh \
	tests/locks/protocol_models.sh models/malthusian.pml models/clh_try.pml \
	models/futex.pml models/lll.pml models/sem.pml models/futex_spin.pml models/clh_tp.pml

tests_locks_validate_SOURCES = tests/locks/validate.c tests/lib/tap.h $(LOCKCHECK_SOURCES)
tests_locks_validate_LDADD = $(LOCKCHECK_LDADD)
tests_locks_negative_control_SOURCES = tests/locks/negative_control.c tests/lib/tap.h tests/lib/broken_lock.c \
	tests/lib/broken_lock.h $(LOCKCHECK_SOURCES)
tests_locks_negative_control_LDADD = $(LOCKCHECK_LDADD)
tests_locks_liveness_SOURCES = tests/locks/liveness.c tests/lib/tap.h tests/lib/lossy_lock.h $(LOCKCHECK_SOURCES)
tests_locks_liveness_LDADD = $(LOCKCHECK_LDADD)
# The lost wake-up negative control: liveness.c's checks on tests/lib/lossy_lock.c.
tests_locks_liveness_lossy_SOURCES = tests/locks/liveness.c tests/lib/tap.h tests/lib/lossy_lock.c \
	tests/lib/lossy_lock.h $(LOCKCHECK_SOURCES)
tests_locks_liveness_lossy_CFLAGS = $(AM_CFLAGS) -DLIVENESS_NEGATIVE_CONTROL
tests_locks_liveness_lossy_LDADD = $(LOCKCHECK_LDADD)
tests_locks_sem_permits_SOURCES = tests/locks/sem_permits.c tests/lib/tap.h $(LOCKCHECK_SOURCES)
tests_locks_sem_permits_LDADD = $(LOCKCHECK_LDADD)
tests_locks_trylock_prompt_SOURCES = tests/locks/trylock_prompt.c tests/lib/tap.h
tests_locks_trylock_prompt_LDADD = $(LOCKCHECK_LDADD)
tests_locks_fair_shares_SOURCES = tests/locks/fair_shares.c tests/lib/tap.h
tests_locks_fair_shares_LDADD = $(LOCKCHECK_LDADD)
# White box: locks/clh.c with test points inside its trylock.
tests_locks_clh_abandon_SOURCES = tests/locks/clh_abandon.c tests/lib/tap.h
# White box: mcs-tp's release past a stale waiter (locks/mcs_tp.c compiled in).
tests_locks_mcs_tp_skip_SOURCES = tests/locks/mcs_tp_skip.c tests/lib/tap.h
# Staged interleavings (issue 22): a lock's .c compiled in with its schedule
# points (locks/schedpoint.h) driven by tests/lib/schedpoint.c.
SCHEDPOINT_SOURCES = tests/lib/schedpoint.c tests/lib/schedpoint.h tests/lib/staged.h locks/schedpoint.h
tests_locks_staged_malthusian_SOURCES = tests/locks/staged_malthusian.c tests/lib/tap.h $(SCHEDPOINT_SOURCES)
tests_locks_staged_qspinlock_SOURCES = tests/locks/staged_qspinlock.c tests/lib/tap.h $(SCHEDPOINT_SOURCES)
tests_locks_staged_clh_SOURCES = tests/locks/staged_clh.c tests/lib/tap.h $(SCHEDPOINT_SOURCES)
tests_locks_staged_clh_tp_SOURCES = tests/locks/staged_clh_tp.c tests/lib/tap.h $(SCHEDPOINT_SOURCES)
# White box: malthusian's choice of the next head (locks/malthusian.c compiled in).
tests_locks_malthusian_pick_SOURCES = tests/locks/malthusian_pick.c tests/lib/tap.h
tests_locks_baseline_errors_SOURCES = tests/locks/baseline_errors.c tests/lib/tap.h
tests_locks_baseline_errors_LDADD = $(LOCKCHECK_LDADD)
# Locks and semaphores freed right after their last user (glibc bug 12674);
# a use-after-free needs ASan to be seen, so check-asan is where it bites.
tests_locks_sem_destroy_SOURCES = tests/locks/sem_destroy.c tests/lib/tap.h $(LOCKCHECK_SANITIZER_SOURCES)
tests_locks_sem_destroy_LDADD = liblocks.a $(CK_LIBS)
# ThreadSanitizer tests: skipped unless built with -fsanitize=thread, i.e.
# outside check-tsan; misordered_lock is their negative control.
tests_locks_tsan_locks_SOURCES = tests/locks/tsan_locks.c tests/lib/tap.h tests/lib/sanitizer.h $(LOCKCHECK_SOURCES)
tests_locks_tsan_locks_LDADD = $(LOCKCHECK_LDADD)
tests_locks_misordered_lock_SOURCES = tests/locks/misordered_lock.c tests/lib/tap.h \
	$(LOCKCHECK_SANITIZER_SOURCES) $(LOCKCHECK_SOURCES)
tests_locks_misordered_lock_LDADD = $(LOCKCHECK_LDADD)
