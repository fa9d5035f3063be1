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
nrows = 24
width = 884
height = 794
array xlabels[6]
array ylabels[24]
xlabels[1] = '1 thr'."\n".'cs 50'
xlabels[2] = '2 thr'."\n".'cs 50'
xlabels[3] = '8 thr'."\n".'cs 50'
xlabels[4] = '1 thr'."\n".'cs 1000'
xlabels[5] = '2 thr'."\n".'cs 1000'
xlabels[6] = '8 thr'."\n".'cs 1000'
ylabels[1] = 'tas'
ylabels[2] = 'ttas'
ylabels[3] = 'cas'
ylabels[4] = 'ticket'
ylabels[5] = 'mcs'
ylabels[6] = 'clh'
ylabels[7] = 'qspinlock'
ylabels[8] = 'hemlock'
ylabels[9] = 'mcs-tp'
ylabels[10] = 'clh-tp'
ylabels[11] = 'futex'
ylabels[12] = 'futex-spin'
ylabels[13] = 'lll'
ylabels[14] = 'sem'
ylabels[15] = 'mcs-park'
ylabels[16] = 'malthusian'
ylabels[17] = 'pthread'
ylabels[18] = 'pthread-adaptive'
ylabels[19] = 'pthread-spin'
ylabels[20] = 'posix-sem'
ylabels[21] = 'ck-fas'
ylabels[22] = 'ck-ticket'
ylabels[23] = 'ck-mcs'
ylabels[24] = 'ck-clh'
load plotsdir.'/heatmap.gp'
set output
