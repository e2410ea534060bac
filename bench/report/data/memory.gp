set terminal svg size 1100,430 dynamic enhanced font "sans,11" background rgb "white"
set output "memory.svg"
set grid; set key top left opaque; set style data linespoints; set pointsize 0.7
set xlabel 'MiB'
set multiplot layout 1,2
set title 'live migration of one rank against its memory'; set ylabel 'ms'
set logscale x 2; set logscale y; set autoscale
plot 'data/migrate_local.dat' using 1:2 title 'move between 2 PEs (best)', 'data/migrate_local.dat' using 1:4 title 'memcpy of the same bytes', 'data/migrate_hosts.dat' using 1:2 title 'move between 2 stand-in hosts (best)'
set title 'checkpoint and restart, 8 ranks, against job memory'; set ylabel 's'
set logscale x 2; set logscale y; set autoscale
plot 'data/checkpoint.dat' using 1:2 title 'checkpoint written', 'data/checkpoint.dat' using 1:3 title 'restart (whole run)', 'data/checkpoint.dat' using 1:4 title 'restart less start-up'
unset multiplot
