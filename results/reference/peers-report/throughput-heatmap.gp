# Driver of one contend heatmap: its data and settings; the look is in
# heatmap.gp, beside this file. `gnuplot throughput-heatmap.gp` redraws it from anywhere.
_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }
if (_n > 0) { cd ARG0[1:_n] }
plotsdir = '.'
fmt = 'svg'
outfile = 'throughput-heatmap.svg'
datafile = 'throughput-heatmap.tsv'
chart_title = 'Throughput (acq/s) against the best lock of each column'."\n".'vm (AMD EPYC, 2 CPUs)'
ratio = 0
ncols = 6
nrows = 20
width = 884
height = 690
array xlabels[6]
array ylabels[20]
xlabels[1] = '1 thr'."\n".'cs 0'
xlabels[2] = '2 thr'."\n".'cs 0'
xlabels[3] = '8 thr'."\n".'cs 0'
xlabels[4] = '1 thr'."\n".'cs 100'
xlabels[5] = '2 thr'."\n".'cs 100'
xlabels[6] = '8 thr'."\n".'cs 100'
ylabels[1] = 'tas'
ylabels[2] = 'ttas'
ylabels[3] = 'cas'
ylabels[4] = 'ticket'
ylabels[5] = 'mcs'
ylabels[6] = 'clh'
ylabels[7] = 'futex'
ylabels[8] = 'futex-spin'
ylabels[9] = 'lll'
ylabels[10] = 'qspinlock'
ylabels[11] = 'hemlock'
ylabels[12] = 'mcs-tp'
ylabels[13] = 'clh-tp'
ylabels[14] = 'ck-fas'
ylabels[15] = 'ck-ticket'
ylabels[16] = 'ck-mcs'
ylabels[17] = 'ck-clh'
ylabels[18] = 'pthread'
ylabels[19] = 'pthread-adaptive'
ylabels[20] = 'pthread-spin'
load plotsdir.'/heatmap.gp'
set output
