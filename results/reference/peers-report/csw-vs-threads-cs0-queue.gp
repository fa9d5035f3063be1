# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot csw-vs-threads-cs0-queue.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'csw-vs-threads-cs0-queue.svg'
datafile = 'data-vs-threads-cs0.tsv'
chart_title = 'Context switches per acquisition vs threads: cs 0 ns, ncs 0 ns, pin compact; queue locks'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'threads'
ylabel = 'context switches per acquisition (voluntary + involuntary)'
col_x = 1; col_y = 7; col_over = 9
col_lo = 0; col_hi = 0
nseries = 6
array blk[6]
array titles[6]
array lock_idx[6]
array machine_idx[6]
blk[1] = 4; lock_idx[1] = 5; machine_idx[1] = 1; titles[1] = 'mcs'
blk[2] = 5; lock_idx[2] = 6; machine_idx[2] = 1; titles[2] = 'clh'
blk[3] = 9; lock_idx[3] = 7; machine_idx[3] = 1; titles[3] = 'qspinlock'
blk[4] = 10; lock_idx[4] = 8; machine_idx[4] = 1; titles[4] = 'hemlock'
blk[5] = 11; lock_idx[5] = 9; machine_idx[5] = 1; titles[5] = 'mcs-tp'
blk[6] = 12; lock_idx[6] = 10; machine_idx[6] = 1; titles[6] = 'clh-tp'
logx = 2
logy = 0
y_range = '[0:*]'
y_format = '%g'
xtics_list = '(1,2,8)'
has_over_points = 1
n_over = 1
array over_from[1]
array over_text[1]
over_from[1] = 2; over_text[1] = 'oversubscribed (> 2 CPUs)'
n_failed = 0
load plotsdir.'/chart.gp'
set output
