set terminal svg size 1100,430 dynamic enhanced font "sans,11" background rgb "white"
set output "startup.svg"
set grid; set key top left opaque; set style data linespoints; set pointsize 0.7
set xlabel 'ranks'; set format x '10^{%L}'
set multiplot layout 1,2
set title 'start-up to exit (hello\_allreduce)'; set ylabel 'wall clock (s)'
set logscale x; set logscale y; set autoscale
plot 'data/startup_mosix.dat' using 1:2 title 'mosix', 'data/startup_openmpi.dat' using 1:2 title 'Open MPI'
set title 'peak memory of the whole job'; set ylabel 'MiB'
set logscale x; set logscale y; set autoscale
plot 'data/startup_mosix.dat' using 1:3 title 'mosix', 'data/startup_openmpi.dat' using 1:3 title 'Open MPI'
unset multiplot
