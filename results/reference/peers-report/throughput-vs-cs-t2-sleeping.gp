# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot throughput-vs-cs-t2-sleeping.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'throughput-vs-cs-t2-sleeping.svg'
datafile = 'data-vs-cs-t2.tsv'
chart_title = 'Throughput vs critical section length: 2 threads, ncs 0 ns, pin compact; sleeping and hybrid locks'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'critical section length (ns)'
ylabel = 'throughput (acquisitions/s, median, 98.4% CI)'
col_x = 1; col_y = 2; col_over = 9
col_lo = 3; col_hi = 4
nseries = 3
array blk[3]
array titles[3]
array lock_idx[3]
array machine_idx[3]
blk[1] = 6; lock_idx[1] = 11; machine_idx[1] = 1; titles[1] = 'futex'
blk[2] = 7; lock_idx[2] = 12; machine_idx[2] = 1; titles[2] = 'futex-spin'
blk[3] = 8; lock_idx[3] = 13; machine_idx[3] = 1; titles[3] = 'lll'
logx = 0
logy = 1
y_range = ''
y_format = ''
xtics_list = ''
has_over_points = 0
n_over = 0
n_failed = 0
load plotsdir.'/chart.gp'
set output
