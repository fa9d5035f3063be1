# tests/machines/local.mk: make check-machines, contend on emulated many-CPU,
# multi-node machines: real Linux kernels under qemu-system (TCG), x86_64
# with 16 CPUs (2 packages x 2 nodes x 2 cores x 2 SMT) and aarch64 virt
# with 8 (2 nodes x 4), checked for topology, pinning, memory placement,
# oversubscribed sweeps, probe coverage and report, each check with a
# negative control. See tests/machines/machines.sh and the README's
# Platforms section. Not part of `make check`; ./quickstart test runs it.

EXTRA_DIST += tests/machines/machines.sh tests/machines/guest_init.sh \
	tests/machines/check.sh

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

check-machines: contend tests/machines/libmisplace.la
	srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' MAKE='$(MAKE)' \
		$(SHELL) $(srcdir)/tests/machines/machines.sh

clean-machines:
	-rm -rf '$(abs_top_builddir)/build/machines'
	rmdir '$(abs_top_builddir)/build' 2>/dev/null || :

.PHONY: check-machines clean-machines
