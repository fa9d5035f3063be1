# heatmap.gp - locks (rows) x scenarios (columns) in colour, a figure in
# each cell; see bench/plot/plot_heatmap.c. Variables from the driver:
#   fmt, outfile, datafile, chart_title (as in common.gp)
#   ratio          0: colour = log10(throughput / the column's best lock),
#                  from -3 (1/1000 or less) to 0 (the best);
#                  1: colour = log2(NEW / BASE), from -2 (4x slower) to 2
#   ncols, nrows, xlabels[i], ylabels[i]  the columns and the locks
#   width, height  image size in pixels
# The TSV: column, row (from 0), colour value (NaN: no colour), label,
# label colour as 0xRRGGBB.
reset
if (fmt eq 'svg') {
	set terminal svg size width,height font 'Sans,12' noenhanced background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		set terminal pdfcairo size (width / 96.0),(height / 96.0) font 'Sans,9' noenhanced
	} else {
		set terminal pngcairo size width,height font 'Sans,10' noenhanced
	}
}
set output outfile
set datafile separator "\t"
set title chart_title
unset key
set border 0
set tics scale 0 nomirror
set xrange [-0.5:ncols - 0.5]
set yrange [nrows - 0.5:-0.5]
set xtics () offset 0,0.3
set ytics ()
do for [i=1:ncols] { set xtics add (xlabels[i] i - 1) }
do for [i=1:nrows] { set ytics add (ylabels[i] i - 1) }
set lmargin 20
set rmargin 16
set bmargin 4
set colorbox vertical user origin graph 1.02, graph 0 size character 2, graph 1
if (ratio) {
	set cbrange [-2:2]
	set palette defined (-2 '#b2182b', -1 '#ef8a62', 0 '#f7f7f7', 1 '#67a9cf', 2 '#2166ac')
	set cbtics ('1/4' -2, '1/2' -1, '1' 0, '2' 1, '4' 2)
	set cblabel 'NEW / BASE throughput'
} else {
	set cbrange [-3:0]
	set palette defined (-3 '#440154', -2.25 '#3b528b', -1.5 '#21918c', -0.75 '#5ec962', 0 '#fde725')
	set cbtics ('1/1000' -3, '1/100' -2, '1/10' -1, 'best' 0)
	set cblabel 'throughput / best of the column'
}
# Cells without a colour (failed, not measured) stay white with their label.
plot datafile using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder \
		fillcolor palette, \
	'' using 1:2:4:5 with labels textcolor rgb variable
