# tests/cli/local.mk: the contend command line: bad command lines of every
# subcommand, the example sweep and its outputs, signals, measurement
# options, resource limits, topology output, the manual page.

CLI_TESTS = tests/cli/run_cli.sh tests/cli/run_interrupt.sh tests/cli/run_measure.sh \
	tests/cli/cli_bad.sh tests/cli/limits.sh tests/cli/topo.sh tests/cli/manpage.sh \
	tests/cli/run_trust.sh tests/cli/peers_reuse.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS)
