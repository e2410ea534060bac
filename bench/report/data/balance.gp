set terminal svg size 800,430 dynamic enhanced font "sans,11" background rgb "white"
set output "balance.svg"
set grid ytics; set key top right; set style data histograms; set style histogram clustered gap 1
set style fill solid 0.8 border -1; set ylabel 'solver time (s)'; set yrange [0:*]; set offsets 0.5, 0.5, graph 0.2, 0
set title 'load balancer, solver with 64 ranks (the scenarios of the table below)'
plot 'data/balance.dat' using 2:xtic(sprintf('scenario %s', stringcolumn(1))) title 'off', '' using 3 title 'refine', '' using 4 title 'greedy', '' using 5 title 'ideal'
