# tests/cli/local.mk: the contend command line: bad command lines of every
# subcommand, the example sweep and its outputs, signals, measurement
# options, resource limits, topology output, the manual page.

CLI_TESTS = tests/cli/run_cli.sh tests/cli/run_interrupt.sh tests/cli/run_measure.sh \
	tests/cli/cli_bad.sh tests/cli/limits.sh tests/cli/topo.sh tests/cli/manpage.sh \
	tests/cli/spec.sh tests/cli/topo_boundaries.sh \
	tests/cli/run_trust.sh tests/cli/peers_reuse.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS)
# Spec files for cli_bad.sh: one good, the rest each bad in one way.
EXTRA_DIST += tests/data/spec-ok.json tests/data/spec-bad-key.json \
	tests/data/spec-bad-type.json tests/data/spec-bad-value.json \
	tests/data/spec-not-json.json tests/data/spec-newer.json
