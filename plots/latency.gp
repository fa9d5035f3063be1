# latency.gp - 99th percentile of the time spent in lock(), merged over
# threads and repeats (sampled acquisitions). Points with no timed sample are
# null and skipped.
load plotsdir.'/common.gp'
set ylabel "p99 acquire latency (ns)"
if (!logy) { set yrange [0:*] }
plot for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_p99)) \
		with linespoints linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
		pointtype machine_pt(i) pointsize 1.1 title titles[i], \
	for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_over) > 0 ? column(col_p99) : NaN) \
		with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
	keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
	keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
