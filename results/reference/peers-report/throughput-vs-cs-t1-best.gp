# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot throughput-vs-cs-t1-best.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'throughput-vs-cs-t1-best.svg'
datafile = 'data-vs-cs-t1.tsv'
chart_title = 'Throughput vs critical section length: 1 thread, ncs 0 ns, pin compact; the best lock of each family'."\n".'vm (AMD EPYC, 2 CPUs)'
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
blk[2] = 5; lock_idx[2] = 6; machine_idx[2] = 1; titles[2] = 'clh'
blk[3] = 6; lock_idx[3] = 11; machine_idx[3] = 1; titles[3] = 'futex'
blk[4] = 13; lock_idx[4] = 21; machine_idx[4] = 1; titles[4] = 'ck-fas'
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
