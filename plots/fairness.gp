# fairness.gp - Jain's fairness index over per-thread acquisitions (median
# over repeats); 1 is perfectly fair, 1/threads means one thread took every
# acquisition.
load plotsdir.'/common.gp'
set ylabel "Jain's fairness index (1 = fair, 1/n = one thread took all)"
set yrange [0:1.05]
plot for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_jain)) \
		with linespoints linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
		pointtype machine_pt(i) pointsize 1.1 title titles[i], \
	for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_over) > 0 ? column(col_jain) : NaN) \
		with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
	keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
	keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
