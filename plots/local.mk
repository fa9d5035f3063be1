# plots/local.mk: the gnuplot templates of contend plot, report and compare
# (bench/cmd_{plot,report,compare}.c, built by bench/local.mk). Templates are
# installed in $(pkgdatadir)/plots; an uninstalled contend finds them in the
# source tree.

plotsdir = $(pkgdatadir)/plots
dist_plots_DATA = plots/common.gp plots/chart.gp plots/heatmap.gp

# README's example chart, drawn by `contend plot tests/data/sweep-alpha.json`
# (a fixture, not a measurement) until reference results replace it.
