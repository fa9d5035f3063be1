# csw.gp - context switches per acquisition from getrusage(RUSAGE_THREAD),
# voluntary + involuntary (the TSV keeps both). Sleeping locks switch
# voluntarily; oversubscribed spinners are preempted (involuntary).
load plotsdir.'/common.gp'
set ylabel "context switches per acquisition (voluntary + involuntary)"
if (!logy) { set yrange [0:*] }
# Plain numbers: SI prefixes would print 1e-3 as "1m", easily misread.
set format y '%g'
plot for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_csw)) \
		with linespoints linewidth 1.5 linecolor rgb lock_color(i) dashtype machine_idx[i] \
		pointtype machine_pt(i) pointsize 1.1 title titles[i], \
	for [i=1:nseries] datafile index blk[i] \
		using (column(col_x)):(column(col_over) > 0 ? column(col_csw) : NaN) \
		with points pointtype 6 pointsize 2.2 linecolor rgb lock_color(i) notitle, \
	keyentry with points pointtype 6 pointsize 2.2 linecolor rgb '#444444' title over_key, \
	keyentry with points pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' title failed_key
