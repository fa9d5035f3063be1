# cycles.gp - TSC cycles per acquisition: cycles of the measured window
# times threads, divided by acquisitions; the CPU time the system pays per
# lock hand-over.
load plotsdir.'/common.gp'
set ylabel "TSC cycles per acquisition (window x threads / acquisitions)"
if (!logy) { set yrange [0:*] }
plot for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_cycles)) \
		with linespoints linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
		pointtype machine_pt(i) pointsize 1.1 title titles[i], \
	for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_over) > 0 ? column(col_cycles) : NaN) \
		with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
	keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
	keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
