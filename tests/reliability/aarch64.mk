# tests/reliability/aarch64.mk: make check-aarch64, a cross build for aarch64 in
# build/aarch64 (with its own sysroot of :arm64 Debian packages) whose lock
# correctness tests, unit tests and a short contend run execute under
# qemu-user. See tests/reliability/aarch64.sh and the README's Platforms section.
# Not part of `make check`; ./quickstart test runs it.

EXTRA_DIST += tests/reliability/aarch64.sh tests/reliability/aarch64_run.sh
AARCH64_JOBS = 2

check-aarch64:
	srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' jobs='$(AARCH64_JOBS)' \
		MAKE='$(MAKE)' $(SHELL) $(srcdir)/tests/reliability/aarch64.sh

clean-aarch64:
	-rm -rf '$(abs_top_builddir)/build/aarch64'
	rmdir '$(abs_top_builddir)/build' 2>/dev/null || :

.PHONY: check-aarch64 clean-aarch64
