# common.gp - look shared by every contend chart; each chart template loads it.
#
# `contend plot` writes, per chart, a small driver (<chart>.gp next to the
# image) that defines the variables below and then loads the chart's template
# (chart.gp, heatmap.gp). The templates are copied beside the drivers, so an
# output directory is self-contained: `gnuplot DIR/<chart>.gp` redraws a
# chart from anywhere, with the look edited in DIR's copy of a template.
#
# Variables from the driver:
#   plotsdir       the directory of the templates (the driver's own)
#   fmt            'png', 'svg' or 'pdf';  outfile: the image to write
#   datafile       the TSV: one block per series (gnuplot `index`), columns
#                  numbered by col_* (col_x, col_tput, col_tput_lo, col_tput_hi,
#                  col_jain, col_p99, col_csw, col_cycles, col_over); NaN = not
#                  measured or a failed point (never drawn)
#   chart_title, xlabel
#   nseries, blk[i] (block index), titles[i], lock_idx[i] (colour and point
#                  type: a lock looks the same in every chart), machine_idx[i]
#                  (dash type, open points past the first: one per input file)
#   logx           0, or the base of a logarithmic x axis;  logy: 0 or 1
#   xtics_list     '' or a gnuplot tic list such as '(1,2,4,8)'
#   n_over, over_from[i], over_text[i]: shade x > over_from[i] (threads beyond
#                  the CPUs of a machine: oversubscribed)
#   has_over_points: 1 when some point is oversubscribed (ringed)
#   n_failed, failed_x[i], failed_y[i] (graph fraction), failed_text[i]
#   n_bound, bound_x[i], bound_level[i], bound_text[i]: topology boundaries
#                  (charts against threads; 0 elsewhere)

reset
# 900 x 540 pixels: the report shows two charts side by side on a wide
# screen, so the text is sized for that (bench/plot/plot_charts.c knows the size).
if (fmt eq 'svg') {
	set terminal svg size 900,540 font 'Sans,14' noenhanced background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		set terminal pdfcairo size 9in,5.4in font 'Sans,10' noenhanced
	} else {
		set terminal pngcairo size 900,540 font 'Sans,11' noenhanced
	}
}
set output outfile

set datafile separator "\t"
set title chart_title
set xlabel xlabel
set grid xtics ytics mxtics mytics lc rgb '#dddddd' lt 1 dt solid
set border 3 lc rgb '#444444'
set tics nomirror
set key outside right top vertical Left reverse samplen 2.5 spacing 1.15
set offsets graph 0.03, graph 0.03, graph 0.06, graph 0.02
set bmargin 4

if (logx > 0) { set logscale x logx }
if (logy) { set logscale y 10; set format y '%.0s%c' }
if (strlen(xtics_list) > 0) { eval 'set xtics '.xtics_list }

# Colour per lock: 20 colours (ten strong, then their light variants), so
# that the locks of one family, which come one after another, never share
# one; the point type (below) tells apart the colour-blind's look-alikes.
array lock_colors[20] = ['#1F77B4', '#FF7F0E', '#2CA02C', '#D62728', '#9467BD', \
                         '#8C564B', '#E377C2', '#7F7F7F', '#BCBD22', '#17BECF', \
                         '#0B3C5D', '#B35806', '#1B7837', '#8E0152', '#542788', \
                         '#C49C94', '#F781BF', '#252525', '#808000', '#5AB4AC']
lock_color(i) = lock_colors[(lock_idx[i] - 1) % 20 + 1]
# Point type per lock too: filled circle, square, triangle, diamond, ...;
# 20 colours and 6 shapes give 60 locks a look of their own. A second
# machine's curves get the open variant of the shape (gnuplot numbers it one
# below the filled one) and its own dash type.
array lock_points[6] = [7, 5, 9, 13, 11, 15]
lock_pt(i) = lock_points[(lock_idx[i] - 1) % 6 + 1] - (machine_idx[i] > 1 ? 1 : 0)

# Oversubscription: threads past a machine's CPU count share CPUs, so
# spinning waiters burn the owner's time slice; shade that part of the axis.
do for [i=1:n_over] {
	set object (100 + i) rect from first over_from[i], graph 0 to graph 1, graph 1 \
		behind fillcolor rgb '#7f7f7f' fillstyle transparent solid 0.12 noborder
	set label (100 + i) over_text[i] at first over_from[i], graph (0.97 - 0.05 * (i - 1)) \
		offset 0.6, 0 left textcolor rgb '#555555'
}

# Topology boundaries (charts against threads): a dotted rule between T-1
# and T threads where the T-th thread is the first on a new SMT sibling
# (level 0), core (1), L3 (2), NUMA node (3) or package (4); wider levels
# darker. The label stands along the rule, at the top.
array bound_colors[5] = ['#b0b0b0', '#a0a0a0', '#6a8caf', '#8e6aaf', '#af6a6a']
do for [i=1:n_bound] {
	set arrow (300 + i) from first bound_x[i], graph 0 to first bound_x[i], graph 1 \
		nohead back dashtype 3 linewidth (bound_level[i] >= 2 ? 1.5 : 1) \
		linecolor rgb bound_colors[bound_level[i] + 1]
	set label (300 + i) bound_text[i] at first bound_x[i], graph 0.99 rotate by 90 \
		right offset -0.5, 0 font ',8' textcolor rgb bound_colors[bound_level[i] + 1]
}

# Failed points (mutual-exclusion violations): a red cross on the x axis with
# the lock's name, never a throughput.
do for [i=1:n_failed] {
	set label (200 + i) failed_text[i] at first failed_x[i], graph failed_y[i] \
		point pointtype 2 pointsize 1.6 linecolor rgb '#CC0000' \
		offset 0.8, 0 left textcolor rgb '#CC0000'
}

# Extra key entries, used by the chart templates' plot commands.
over_key = has_over_points ? 'oversubscribed point' : ''
failed_key = n_failed > 0 ? 'failed (violations)' : ''
