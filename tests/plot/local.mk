# tests/plot/local.mk: contend plot, report and compare on the fixtures of
# tests/data (gnuplot; report_browser.sh also headless Chromium).

PLOT_TESTS = tests/plot/plot.sh tests/plot/plot_errors.sh tests/plot/report.sh \
	tests/plot/report_findings.sh tests/plot/report_browser.sh tests/plot/compare.sh \
	tests/plot/compare_platform.sh tests/plot/report_machines.sh
TESTS += $(PLOT_TESTS)
EXTRA_DIST += $(PLOT_TESTS) tests/data/findings.json tests/data/platform-a.json \
	tests/data/second-platform.jq
