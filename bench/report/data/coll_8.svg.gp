set terminal svg size 1100,800 dynamic enhanced font "sans,11" background rgb "white"
set output "coll_8.svg"
set grid; set key top left opaque; set style data linespoints; set pointsize 0.7
set xlabel 'ranks'; set ylabel 'time per call (µs)'
set multiplot layout 2,2
set title 'barrier'; set logscale x 2; set logscale y; set autoscale
plot 'data/coll_barrier_0_mosix.dat' using 1:2 title 'mosix', 'data/coll_barrier_0_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/coll_barrier_0_ucx.dat' using 1:2 title 'Open MPI UCX'
set title 'bcast, 8 B'; set logscale x 2; set logscale y; set autoscale
plot 'data/coll_bcast_8_mosix.dat' using 1:2 title 'mosix', 'data/coll_bcast_8_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/coll_bcast_8_ucx.dat' using 1:2 title 'Open MPI UCX'
set title 'allreduce, 8 B'; set logscale x 2; set logscale y; set autoscale
plot 'data/coll_allreduce_8_mosix.dat' using 1:2 title 'mosix', 'data/coll_allreduce_8_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/coll_allreduce_8_ucx.dat' using 1:2 title 'Open MPI UCX'
set title 'alltoall, 8 B'; set logscale x 2; set logscale y; set autoscale
plot 'data/coll_alltoall_8_mosix.dat' using 1:2 title 'mosix', 'data/coll_alltoall_8_ob1.dat' using 1:2 title 'Open MPI ob1', 'data/coll_alltoall_8_ucx.dat' using 1:2 title 'Open MPI UCX'
unset multiplot
