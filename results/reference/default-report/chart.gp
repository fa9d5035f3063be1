# chart.gp - one metric against the x axis, one curve per series: the
# template of every line chart of contend (throughput, fairness, latency,
# context switches, cycles). The driver names the metric; this file draws it.
#
# Variables from the driver, besides those common.gp lists:
#   ylabel         the y axis label (the metric and its unit)
#   col_y          the TSV column of the metric
#   col_lo, col_hi 0, or the columns of an error bar (throughput: the
#                  confidence interval of the median)
#   y_range        '' or a gnuplot range such as '[0:*]'
#   y_format       '' or a gnuplot format for the y tics
load plotsdir.'/common.gp'
set ylabel ylabel
if (strlen(y_range) > 0) { eval 'set yrange '.y_range }
if (strlen(y_format) > 0) { set format y y_format }

if (col_lo > 0) {
	plot for [i=1:nseries] datafile index blk[i] \
			using (column(col_x)):(column(col_y)):(column(col_lo)):(column(col_hi)) \
			with yerrorlines linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
			pointtype lock_pt(i) pointsize 1.1 title titles[i], \
		for [i=1:nseries] datafile index blk[i] \
			using (column(col_x)):(column(col_over) > 0 ? column(col_y) : NaN) \
			with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
		keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
		keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
} else {
	plot for [i=1:nseries] datafile index blk[i] \
			using (column(col_x)):(column(col_y)) \
			with linespoints linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
			pointtype lock_pt(i) pointsize 1.1 title titles[i], \
		for [i=1:nseries] datafile index blk[i] \
			using (column(col_x)):(column(col_over) > 0 ? column(col_y) : NaN) \
			with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
		keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
		keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
}
