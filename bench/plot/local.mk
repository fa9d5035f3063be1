# bench/plot/local.mk: the charts of plot, report and compare: options, the
# chart data, the chart drivers and heatmaps, gnuplot (templates in plots/).
noinst_LIBRARIES += libbench_plot.a
libbench_plot_a_SOURCES = bench/plot/plotting.h bench/plot/plot_internal.h \
	bench/plot/plot_options.c bench/plot/plot_data.c bench/plot/plot_charts.c \
	bench/plot/plot_heatmap.c bench/plot/plot_gnuplot.c bench/plot/plot_session.c
libbench_plot_a_CPPFLAGS = $(BENCH_PLOT_CPPFLAGS) $(CONTEND_DEFS)
libbench_plot_a_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(JANSSON_CFLAGS) $(DW_CFLAGS)
