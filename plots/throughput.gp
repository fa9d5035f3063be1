# throughput.gp - throughput (acquisitions/s, median over repeats) with the
# 95% confidence interval of the median as error bars, one curve per lock
# (and per machine when several files are overlaid).
load plotsdir.'/common.gp'
set ylabel 'throughput (acquisitions/s, median, 95% CI)'
if (!logy) { set format y '%.2s%c'; set yrange [0:*] }
plot for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_tput)):(column(col_tput_lo)):(column(col_tput_hi)) \
		with yerrorlines linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
		pointtype machine_pt(i) pointsize 1.1 title titles[i], \
	for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_over) > 0 ? column(col_tput) : NaN) \
		with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
	keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
	keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
