# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot throughput-vs-cs-t2-best.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'throughput-vs-cs-t2-best.svg'
datafile = 'data-vs-cs-t2.tsv'
chart_title = 'Throughput vs critical section length: 2 threads, ncs 0 ns, pin compact; the best lock of each family'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'critical section length (ns)'
ylabel = 'throughput (acquisitions/s, median, 98.4% CI)'
col_x = 1; col_y = 2; col_over = 9
col_lo = 3; col_hi = 4
nseries = 4
array blk[4]
array titles[4]
array lock_idx[4]
array machine_idx[4]
blk[1] = 1; lock_idx[1] = 2; machine_idx[1] = 1; titles[1] = 'ttas'
blk[2] = 9; lock_idx[2] = 7; machine_idx[2] = 1; titles[2] = 'qspinlock'
blk[3] = 7; lock_idx[3] = 12; machine_idx[3] = 1; titles[3] = 'futex-spin'
blk[4] = 19; lock_idx[4] = 19; machine_idx[4] = 1; titles[4] = 'pthread-spin'
logx = 0
logy = 0
y_range = '[0:*]'
y_format = '%.2s%c'
xtics_list = ''
has_over_points = 0
n_over = 0
n_failed = 0
load plotsdir.'/chart.gp'
set output
