# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot csw-vs-threads-cs1000-baseline.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'csw-vs-threads-cs1000-baseline.svg'
datafile = 'data-vs-threads-cs1000.tsv'
chart_title = 'Context switches per acquisition vs threads: cs 1000 ns, ncs 0 ns, pin compact; baselines and peers'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'threads'
ylabel = 'context switches per acquisition (voluntary + involuntary)'
col_x = 1; col_y = 7; col_over = 9
col_lo = 0; col_hi = 0
nseries = 8
array blk[8]
array titles[8]
array lock_idx[8]
array machine_idx[8]
blk[1] = 16; lock_idx[1] = 17; machine_idx[1] = 1; titles[1] = 'pthread'
blk[2] = 17; lock_idx[2] = 18; machine_idx[2] = 1; titles[2] = 'pthread-adaptive'
blk[3] = 18; lock_idx[3] = 19; machine_idx[3] = 1; titles[3] = 'pthread-spin'
blk[4] = 19; lock_idx[4] = 20; machine_idx[4] = 1; titles[4] = 'posix-sem'
blk[5] = 20; lock_idx[5] = 21; machine_idx[5] = 1; titles[5] = 'ck-fas'
blk[6] = 21; lock_idx[6] = 22; machine_idx[6] = 1; titles[6] = 'ck-ticket'
blk[7] = 22; lock_idx[7] = 23; machine_idx[7] = 1; titles[7] = 'ck-mcs'
blk[8] = 23; lock_idx[8] = 24; machine_idx[8] = 1; titles[8] = 'ck-clh'
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
