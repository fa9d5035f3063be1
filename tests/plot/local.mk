# tests/plot/local.mk: contend plot, report and compare on the fixtures of
# tests/data (gnuplot; report_browser.sh also headless Chromium).

PLOT_TESTS = tests/plot/plot.sh tests/plot/plot_errors.sh tests/plot/report.sh \
	tests/plot/report_findings.sh tests/plot/report_browser.sh tests/plot/compare.sh \
	tests/plot/plot_boundaries.sh tests/plot/findings_knees.sh \
	tests/plot/compare_platform.sh tests/plot/report_machines.sh
TESTS += $(PLOT_TESTS)
EXTRA_DIST += $(PLOT_TESTS) tests/data/findings.json tests/data/platform-a.json \
	tests/data/second-platform.jq
# A synthetic 16-CPU machine (two L3s of 4 SMT cores) with its boundaries
# and designed knees: made from a real file, figures set by hand.
EXTRA_DIST += tests/data/topology-knees.json
