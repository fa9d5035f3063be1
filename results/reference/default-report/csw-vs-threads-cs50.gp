# Driver of one contend chart: its data and settings; the look is in
# the template loaded at the end. `gnuplot csw-vs-threads-cs50.gp` here redraws it.
plotsdir = '/work/main/plots'
fmt = 'svg'
outfile = 'csw-vs-threads-cs50.svg'
datafile = 'data-vs-threads-cs50.tsv'
chart_title = 'Context switches per acquisition vs threads: cs 50 ns, ncs 0 ns, pin compact'."\n".'vm (AMD EPYC, 2 CPUs)'
xlabel = 'threads'
col_x = 1; col_tput = 2; col_tput_lo = 3; col_tput_hi = 4
col_jain = 5; col_p99 = 6; col_csw = 7; col_cycles = 8; col_over = 9
nseries = 18
array blk[18]
array titles[18]
array lock_idx[18]
array machine_idx[18]
blk[1] = 0; lock_idx[1] = 1; machine_idx[1] = 1; titles[1] = 'tas'
blk[2] = 1; lock_idx[2] = 2; machine_idx[2] = 1; titles[2] = 'ttas'
blk[3] = 2; lock_idx[3] = 3; machine_idx[3] = 1; titles[3] = 'cas'
blk[4] = 3; lock_idx[4] = 4; machine_idx[4] = 1; titles[4] = 'ticket'
blk[5] = 4; lock_idx[5] = 5; machine_idx[5] = 1; titles[5] = 'mcs'
blk[6] = 5; lock_idx[6] = 6; machine_idx[6] = 1; titles[6] = 'clh'
blk[7] = 6; lock_idx[7] = 7; machine_idx[7] = 1; titles[7] = 'futex'
blk[8] = 7; lock_idx[8] = 8; machine_idx[8] = 1; titles[8] = 'futex-spin'
blk[9] = 8; lock_idx[9] = 9; machine_idx[9] = 1; titles[9] = 'lll'
blk[10] = 9; lock_idx[10] = 10; machine_idx[10] = 1; titles[10] = 'sem'
blk[11] = 10; lock_idx[11] = 11; machine_idx[11] = 1; titles[11] = 'pthread'
blk[12] = 11; lock_idx[12] = 12; machine_idx[12] = 1; titles[12] = 'pthread-adaptive'
blk[13] = 12; lock_idx[13] = 13; machine_idx[13] = 1; titles[13] = 'pthread-spin'
blk[14] = 13; lock_idx[14] = 14; machine_idx[14] = 1; titles[14] = 'posix-sem'
blk[15] = 14; lock_idx[15] = 15; machine_idx[15] = 1; titles[15] = 'ck-fas'
blk[16] = 15; lock_idx[16] = 16; machine_idx[16] = 1; titles[16] = 'ck-ticket'
blk[17] = 16; lock_idx[17] = 17; machine_idx[17] = 1; titles[17] = 'ck-mcs'
blk[18] = 17; lock_idx[18] = 18; machine_idx[18] = 1; titles[18] = 'ck-clh'
logx = 2
logy = 0
xtics_list = '(1,2,8)'
has_over_points = 1
n_over = 1
array over_from[1]
array over_text[1]
over_from[1] = 2; over_text[1] = 'oversubscribed (> 2 CPUs)'
n_failed = 0
load plotsdir.'/csw.gp'
set output
