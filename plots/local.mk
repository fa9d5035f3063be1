# plots/local.mk: gnuplot templates and the commands that use them:
# contend plot, report and compare (bench/cmd_{plot,report,compare}.c share
# bench/plot_*.c). Templates are installed in $(pkgdatadir)/plots; an
# uninstalled contend finds them in the source tree.

plotsdir = $(pkgdatadir)/plots
dist_plots_DATA = plots/common.gp plots/chart.gp plots/heatmap.gp

CONTEND_EXTRA_SOURCES += bench/plotting.h bench/plot_internal.h bench/plot_options.c \
	bench/plot_data.c bench/plot_charts.c bench/plot_heatmap.c bench/plot_gnuplot.c bench/fmt.c bench/fmt.h \
	bench/findings.c bench/findings.h bench/report_html.c bench/report_html.h \
	bench/cmd_plot.c bench/cmd_report.c bench/cmd_compare.c

PLOT_TESTS = tests/plot.sh tests/plot-errors.sh tests/report.sh tests/report-findings.sh \
	tests/report-browser.sh tests/compare.sh
TESTS += $(PLOT_TESTS)
EXTRA_DIST += $(PLOT_TESTS) tests/plot-lib.sh tests/data/findings.json

# README's example chart, drawn by `contend plot tests/data/sweep-alpha.json`
# (a fixture, not a measurement) until reference results replace it.
