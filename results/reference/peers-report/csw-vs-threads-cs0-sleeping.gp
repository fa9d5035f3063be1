# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end, beside this file. `gnuplot csw-vs-threads-cs0-sleeping.gp`
# redraws it, from this directory or from anywhere else.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'csw-vs-threads-cs0-sleeping.svg'
datafile = 'data-vs-threads-cs0.tsv'
chart_title = 'Context switches per acquisition vs threads: cs 0 ns, ncs 0 ns, pin compact; sleeping and hybrid locks'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'threads'
ylabel = 'context switches per acquisition (voluntary + involuntary)'
col_x = 1; col_y = 7; col_over = 9
col_lo = 0; col_hi = 0
nseries = 3
array blk[3]
array titles[3]
array lock_idx[3]
array machine_idx[3]
blk[1] = 6; lock_idx[1] = 11; machine_idx[1] = 1; titles[1] = 'futex'
blk[2] = 7; lock_idx[2] = 12; machine_idx[2] = 1; titles[2] = 'futex-spin'
blk[3] = 8; lock_idx[3] = 13; machine_idx[3] = 1; titles[3] = 'lll'
logx = 2
logy = 1
y_range = ''
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
