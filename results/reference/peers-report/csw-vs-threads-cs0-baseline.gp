# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot csw-vs-threads-cs0-baseline.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'csw-vs-threads-cs0-baseline.svg'
datafile = 'data-vs-threads-cs0.tsv'
chart_title = 'Context switches per acquisition vs threads: cs 0 ns, ncs 0 ns, pin compact; baselines and peers'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'threads'
ylabel = 'context switches per acquisition (voluntary + involuntary)'
col_x = 1; col_y = 7; col_over = 9
col_lo = 0; col_hi = 0
nseries = 7
array blk[7]
array titles[7]
array lock_idx[7]
array machine_idx[7]
blk[1] = 13; lock_idx[1] = 21; machine_idx[1] = 1; titles[1] = 'ck-fas'
blk[2] = 14; lock_idx[2] = 22; machine_idx[2] = 1; titles[2] = 'ck-ticket'
blk[3] = 15; lock_idx[3] = 23; machine_idx[3] = 1; titles[3] = 'ck-mcs'
blk[4] = 16; lock_idx[4] = 24; machine_idx[4] = 1; titles[4] = 'ck-clh'
blk[5] = 17; lock_idx[5] = 17; machine_idx[5] = 1; titles[5] = 'pthread'
blk[6] = 18; lock_idx[6] = 18; machine_idx[6] = 1; titles[6] = 'pthread-adaptive'
blk[7] = 19; lock_idx[7] = 19; machine_idx[7] = 1; titles[7] = 'pthread-spin'
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
