set terminal svg size 1350,430 dynamic enhanced font "sans,11" background rgb "white"
set output "p2p_latency.svg"
set grid; set key top left opaque; set style data linespoints; set pointsize 0.7; set format x "%.0s%cB"
set ylabel 'one-way latency (µs)'; set xlabel 'message size'
set multiplot layout 1,3
set title 'same PE (one core)'; set logscale x 2; set logscale y; set autoscale
plot 'data/p2p_same_mosix.dat' using 1:2 title 'mosix', 'data/p2p_same_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/p2p_same_ucx.dat' using 1:2 title 'Open MPI UCX'
set title '2 PEs (2 cores)'; set logscale x 2; set logscale y; set autoscale
plot 'data/p2p_cores_mosix.dat' using 1:2 title 'mosix', 'data/p2p_cores_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/p2p_cores_ucx.dat' using 1:2 title 'Open MPI UCX'
set title '2 stand-in hosts (TCP)'; set logscale x 2; set logscale y; set autoscale
plot 'data/p2p_hosts_mosix.dat' using 1:2 title 'mosix', 'data/p2p_hosts_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/p2p_hosts_ucx.dat' using 1:2 title 'Open MPI UCX'
unset multiplot
