#!/usr/bin/env bash
# report_write.sh DATA OUT — turns what bench/report.sh measured (DATA: its raw figures and the
# benchmark scripts' own tables) into OUT/REPORT.md, with plots OUT/report/*.svg (gnuplot) and the
# data behind them in OUT/report/data/. Runs nothing; can be run again on a kept DATA directory.
#
# Every ratio is mosix's advantage: Open MPI's time over mosix's, or mosix's bandwidth over Open
# MPI's; above 1 mosix is faster.
set -euo pipefail
data=$(readlink -f "${1:?usage: report_write.sh DATA OUT}")
out=$(readlink -m "${2:?usage: report_write.sh DATA OUT}")
figs=$out/report
export LC_ALL=C
mkdir -p "$figs"
rm -f "$figs"/*.svg
if [ "$data" != "$figs/data" ]; then  # run again on a report's own data: it stays where it is
    rm -rf "$figs/data"
    cp -r "$data" "$figs/data"
fi
d=$figs/data
md=$out/REPORT.md.new
m() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$d/machine"; }
have() { [ -s "$1" ]; }

# ---- merge the rounds: the best figure of each ----
# p2p.dat: PLACEMENT IMPL BYTES LATENCY_US BANDWIDTH_MBPS (lowest latency, highest bandwidth)
awk '{ k = $1 " " $2 " " $3
       if (!(k in lat) || $4 < lat[k]) lat[k] = $4
       if (!(k in bw) || $5 > bw[k]) bw[k] = $5 }
     END { for (k in lat) print k, lat[k], bw[k] }' "$d/p2p.raw" | sort -k1,1 -k2,2 -k3,3n >"$d/p2p.dat"
# coll.dat: IMPL OP BYTES RANKS AVG_US (lowest)
awk '{ k = $1 " " $2 " " $3 " " $4; if (!(k in t) || $5 < t[k]) t[k] = $5 }
     END { for (k in t) print k, t[k] }' "$d/coll.raw" | sort -k1,1 -k2,2 -k3,3n -k4,4n >"$d/coll.dat"
# migrate_*.dat: MIB BEST_MS MEDIAN_MS MEMCPY_MS from bench_migrate's table (moves that were made)
for w in local hosts; do
    [ -f "$d/migrate_$w.txt" ] || continue
    awk -F'|' '$2 ~ /MiB/ && $3 ~ /[0-9]/ { split($2, s, " "); print s[1], $3 + 0, $4 + 0, $6 + 0 }' \
        "$d/migrate_$w.txt" >"$d/migrate_$w.dat"
done
# checkpoint.dat: RANK_MIB WRITTEN_S RESTART_S LESS_STARTUP_S CHECKPOINT_MIB
[ -f "$d/checkpoint.txt" ] &&
    awk -F'|' '$2 ~ / x / && $5 ~ /[0-9]/ { print $3 + 0, $5 + 0, $8 + 0, $9 + 0, $4 + 0 }' "$d/checkpoint.txt" \
        >"$d/checkpoint.dat"
# balance.dat: SCENARIO OFF REFINE GREEDY IDEAL (seconds; rows balance.sh could run; SCENARIO 1, 4a, ...)
[ -f "$d/balance.txt" ] &&
    awk -F'|' '$2 ~ /^ [0-9][a-z]? / && $4 ~ /[0-9]/ { split($2, s, " "); print s[1], $4 + 0, $5 + 0, $6 + 0, $7 + 0 }' \
        "$d/balance.txt" >"$d/balance.dat"

# ---- plots ----
impl_title() { case $1 in mosix) echo mosix ;; ob1) echo "Open MPI ob1" ;; ucx) echo "Open MPI UCX" ;; openmpi) echo "Open MPI" ;; esac; }
place_title() { case $1 in same) echo "same PE (one core)" ;; cores) echo "2 PEs (2 cores)" ;; hosts) echo "2 stand-in hosts (TCP)" ;; esac; }
# The gnuplot scripts (kept in data/) run in report/ with relative paths: `cd report && gnuplot
# data/p2p_latency.svg.gp` draws a plot again.
svg() { printf 'set terminal svg size %s dynamic enhanced font "sans,11" background rgb "white"\nset output "%s"\n' "$1" "$2"; }
draw() { (cd "$figs" && gnuplot "data/$1"); }
common='set grid; set key top left opaque; set style data linespoints; set pointsize 0.7; set format x "%.0s%cB"'
# A panel without data (gnuplot refuses to plot nothing): a label on an empty frame.
empty="set label 1 'no data' at graph 0.45,0.5; unset logscale; plot [0:1][0:1] 2 notitle; unset label 1"

# plot_p2p COLUMN YLABEL FILE — one panel per placement
plot_p2p() {
    local col=$1 ylabel=$2 file=$3 pl impl plots
    {
        svg 1350,430 "$file"
        echo "$common"
        echo "set ylabel '$ylabel'; set xlabel 'message size'"
        echo "set multiplot layout 1,3"
        for pl in same cores hosts; do
            plots=""
            for impl in mosix ob1 ucx; do
                awk -v p="$pl" -v i="$impl" '$1 == p && $2 == i { print $3, $4, $5 }' "$d/p2p.dat" >"$d/p2p_${pl}_$impl.dat"
                have "$d/p2p_${pl}_$impl.dat" &&
                    plots+="${plots:+, }'data/p2p_${pl}_$impl.dat' using 1:$col title '$(impl_title $impl)'"
            done
            echo "set title '$(place_title $pl)'; set logscale x 2; set logscale y; set autoscale"
            if [ -n "$plots" ]; then echo "plot $plots"; else echo "$empty"; fi
        done
        echo "unset multiplot"
    } >"$d/$file.gp"
    draw $file.gp
}
if have "$d/p2p.dat"; then
    plot_p2p 2 "one-way latency (µs)" p2p_latency.svg
    plot_p2p 3 "bandwidth (MB/s)" p2p_bandwidth.svg
fi

# plot_coll BYTES FILE — one panel per operation, time against ranks
plot_coll() {
    local bytes=$1 file=$2 op impl plots b
    {
        svg 1100,800 "$file"
        echo "set grid; set key top left opaque; set style data linespoints; set pointsize 0.7"
        echo "set xlabel 'ranks'; set ylabel 'time per call (µs)'"
        echo "set multiplot layout 2,2"
        for op in barrier bcast allreduce alltoall; do
            b=$bytes
            [ $op = barrier ] && b=0
            plots=""
            for impl in mosix ob1 ucx; do
                awk -v i="$impl" -v o="$op" -v b="$b" '$1 == i && $2 == o && $3 == b { print $4, $5 }' "$d/coll.dat" \
                    >"$d/coll_${op}_${b}_$impl.dat"
                have "$d/coll_${op}_${b}_$impl.dat" &&
                    plots+="${plots:+, }'data/coll_${op}_${b}_$impl.dat' using 1:2 title '$(impl_title $impl)'"
            done
            echo "set title '$op$([ $op = barrier ] || echo ", $b B")'; set logscale x 2; set logscale y; set autoscale"
            if [ -n "$plots" ]; then echo "plot $plots"; else echo "$empty"; fi
        done
        echo "unset multiplot"
    } >"$d/$file.gp"
    draw $file.gp
}
if have "$d/coll.dat"; then
    plot_coll 8 coll_8.svg
    plot_coll 16384 coll_16384.svg
fi

if have "$d/startup.raw"; then
    for impl in mosix openmpi; do awk -v i=$impl '$1 == i { print $2, $3, $4 / 1048576 }' "$d/startup.raw" >"$d/startup_$impl.dat"; done
    {
        svg 1100,430 startup.svg
        echo "set grid; set key top left opaque; set style data linespoints; set pointsize 0.7"
        echo "set xlabel 'ranks'; set format x '10^{%L}'"
        echo "set multiplot layout 1,2"
        for col in 2 3; do
            plots=""
            for impl in mosix openmpi; do
                have "$d/startup_$impl.dat" && plots+="${plots:+, }'data/startup_$impl.dat' using 1:$col title '$(impl_title $impl)'"
            done
            if [ $col = 2 ]; then echo "set title 'start-up to exit (hello\\_allreduce)'; set ylabel 'wall clock (s)'"
            else echo "set title 'peak memory of the whole job'; set ylabel 'MiB'"; fi
            echo "set logscale x; set logscale y; set autoscale"
            if [ -n "$plots" ]; then echo "plot $plots"; else echo "$empty"; fi
        done
        echo "unset multiplot"
    } >"$d/startup.gp"
    draw startup.gp
fi

if have "$d/migrate_local.dat" || have "$d/migrate_hosts.dat" || have "$d/checkpoint.dat"; then
    {
        svg 1100,430 memory.svg
        echo "set grid; set key top left opaque; set style data linespoints; set pointsize 0.7"
        echo "set xlabel 'MiB'"
        echo "set multiplot layout 1,2"
        plots=""
        have "$d/migrate_local.dat" && plots+="'data/migrate_local.dat' using 1:2 title 'move between 2 PEs (best)', 'data/migrate_local.dat' using 1:4 title 'memcpy of the same bytes'"
        have "$d/migrate_hosts.dat" && plots+="${plots:+, }'data/migrate_hosts.dat' using 1:2 title 'move between 2 stand-in hosts (best)'"
        echo "set title 'live migration of one rank against its memory'; set ylabel 'ms'"
        echo "set logscale x 2; set logscale y; set autoscale"
        if [ -n "$plots" ]; then echo "plot $plots"; else echo "$empty"; fi
        plots=""
        have "$d/checkpoint.dat" && plots="'data/checkpoint.dat' using 1:2 title 'checkpoint written', 'data/checkpoint.dat' using 1:3 title 'restart (whole run)', 'data/checkpoint.dat' using 1:4 title 'restart less start-up'"
        echo "set title 'checkpoint and restart, 8 ranks, against job memory'; set ylabel 's'"
        echo "set logscale x 2; set logscale y; set autoscale"
        if [ -n "$plots" ]; then echo "plot $plots"; else echo "$empty"; fi
        echo "unset multiplot"
    } >"$d/memory.gp"
    draw memory.gp
fi

if have "$d/balance.dat"; then
    {
        svg 800,430 balance.svg
        echo "set grid ytics; set key top right; set style data histograms; set style histogram clustered gap 1"
        echo "set style fill solid 0.8 border -1; set ylabel 'solver time (s)'; set yrange [0:*]; set offsets 0.5, 0.5, graph 0.2, 0"
        echo "set title 'load balancer, solver with 64 ranks (the scenarios of the table below)'"
        echo "plot 'data/balance.dat' using 2:xtic(sprintf('scenario %s', stringcolumn(1))) title 'off', '' using 3 title 'refine', '' using 4 title 'greedy', '' using 5 title 'ideal'"
    } >"$d/balance.gp"
    draw balance.gp
fi

# ---- tables ----
# ratio A B — B over A with 2 decimals and "x", or "-"
ratio_awk='function r(a, b) { return (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) ? "-" : sprintf("%.2fx", b / a) }'
size_awk='function sz(b) { return b >= 1048576 ? (b / 1048576) " MiB" : b >= 1024 ? (b / 1024) " KiB" : b " B" }'

p2p_table() {  # p2p_table PLACEMENT
    awk -v p="$1" "$ratio_awk $size_awk"'
        $1 == p { s[$3] = 1; lat[$2, $3] = $4; bw[$2, $3] = $5 }
        END {
            print "| size | mosix µs | ob1 µs | UCX µs | ob1 ÷ mosix | UCX ÷ mosix | mosix MB/s | ob1 MB/s | UCX MB/s | mosix ÷ ob1 | mosix ÷ UCX |"
            print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            n = 0; for (b in s) k[++n] = b + 0
            for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (k[j] < k[i]) { t = k[i]; k[i] = k[j]; k[j] = t }
            for (i = 1; i <= n; ++i) { b = k[i]
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", sz(b),
                    lat["mosix", b], lat["ob1", b], lat["ucx", b], r(lat["mosix", b], lat["ob1", b]), r(lat["mosix", b], lat["ucx", b]),
                    bw["mosix", b], bw["ob1", b], bw["ucx", b], r(bw["ob1", b], bw["mosix", b]), r(bw["ucx", b], bw["mosix", b]) } }' \
        "$d/p2p.dat"
}

coll_table() {  # coll_table BYTES
    awk -v want="$1" "$ratio_awk"'
        ($3 == want || $2 == "barrier") { k = $2 " " $4; row[k] = 1; t[$1, k] = $5 }
        END {
            print "| operation | ranks | mosix µs | ob1 µs | UCX µs | ob1 ÷ mosix | UCX ÷ mosix |"
            print "|---|---:|---:|---:|---:|---:|---:|"
            split("barrier bcast allreduce alltoall", ops, " ")
            for (o = 1; o <= 4; ++o) for (n = 1; n <= 100000; n *= 2) { k = ops[o] " " n
                if (!(k in row)) continue
                printf "| %s | %d | %s | %s | %s | %s | %s |\n", ops[o], n, t["mosix", k], t["ob1", k], t["ucx", k],
                    r(t["mosix", k], t["ob1", k]), r(t["mosix", k], t["ucx", k]) } }' "$d/coll.dat"
}

startup_table() {
    awk "$ratio_awk"'
        { n[$2] = 1; s[$1, $2] = $3; mem[$1, $2] = $4 ? sprintf("%.0f", $4 / 1048576) : "" }
        END {
            print "| ranks | mosix s | mosix MiB | Open MPI s | Open MPI MiB | time: Open MPI ÷ mosix | memory: Open MPI ÷ mosix |"
            print "|---:|---:|---:|---:|---:|---:|---:|"
            c = 0; for (k in n) v[++c] = k + 0
            for (i = 1; i <= c; ++i) for (j = i + 1; j <= c; ++j) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            for (i = 1; i <= c; ++i) { k = v[i]
                printf "| %d | %s | %s | %s | %s | %s | %s |\n", k, s["mosix", k], mem["mosix", k], s["openmpi", k],
                    mem["openmpi", k], r(s["mosix", k], s["openmpi", k]), r(mem["mosix", k], mem["openmpi", k]) } }' \
        "$d/startup.raw"
}

# One figure per line for the summary: KIND WHERE SIZE MOSIX OPENMPI, Open MPI's the better of ob1
# and UCX: 8-byte latency and the largest message's bandwidth of each placement, the collectives at
# 8 B and the most ranks, start-up at the most ranks Open MPI reached.
summary() {
    {
        for pl in same cores hosts; do
            awk -v p=$pl '$1 == p && $3 == 8 { v[$2] = $4 } END { o = v["ob1"]; if (v["ucx"] != "" && (o == "" || v["ucx"] < o)) o = v["ucx"]
                if (v["mosix"] != "") print "lat", p, 8, v["mosix"], o }' "$d/p2p.dat"
            awk -v p=$pl '$1 == p { if ($3 + 0 > top) top = $3 + 0; v[$2, $3] = $5 }
                END { m = v["mosix", top]; o = v["ob1", top]; if (v["ucx", top] > o) o = v["ucx", top]
                      if (m != "") print "bw", p, top, m, o }' "$d/p2p.dat"
        done
        for op in barrier allreduce alltoall; do
            awk -v o=$op '$2 == o && ($3 == 8 || o == "barrier") { if ($4 + 0 > top) top = $4 + 0; v[$1, $4] = $5 }
                END { b = v["ob1", top]; if (v["ucx", top] != "" && (b == "" || v["ucx", top] < b)) b = v["ucx", top]
                      if (v["mosix", top] != "") print "coll", o, top, v["mosix", top], b }' "$d/coll.dat"
        done
        awk '$1 == "mosix" { ms[$2] = $3 } $1 == "openmpi" { os[$2] = $3; if ($2 + 0 > top) top = $2 + 0 }
             END { if (top && ms[top] != "") print "start", "-", top, ms[top], os[top] }' "$d/startup.raw"
    } 2>/dev/null | awk "$ratio_awk $size_awk"'
        function where(p) { if (p == "same") return "same PE"; if (p == "cores") return "2 PEs"; return "2 hosts" }
        {
            if ($1 == "lat") { name = "latency " sz($3) ", " where($2); unit = "µs" }
            else if ($1 == "bw") { name = "bandwidth " sz($3) ", " where($2); unit = "MB/s" }
            else if ($1 == "coll") { name = $2 ($2 == "barrier" ? "" : " 8 B") ", " $3 " ranks"; unit = "µs" }
            else { name = "start-up to exit, " $3 " ranks"; unit = "s" }
            if ($5 == "") other = "n/a"; else other = $5 " " unit
            printf "| %s | %s %s | %s | %s |\n", name, $4, unit, other, ($1 == "bw") ? r($5, $4) : r($4, $5)
        }'
}

verbatim() {  # the benchmark scripts' own output: tables stay tables, other lines keep their breaks
    awk '/^\|/ { if (!t && NR > 1 && !blank) print ""; t = 1; blank = 0; print; next }
         $0 == "" { if (!blank) print ""; blank = 1; t = 0; next }
         { if (t) print ""; t = 0; blank = 0; print $0 "  " }' "$1"
}
failed_lines() {  # failed_lines FILE — "the rows that are missing" as a list
    [ -s "$1" ] || return 0
    echo
    echo "Missing from this section:"
    echo
    sed 's/^/* /' "$1"
}

# ---- REPORT.md ----
quick=$(m quick)
dur=$(m duration)
{
    echo "# mosix against Open MPI: benchmark report"
    echo
    echo "Written by \`bash bench/report.sh\` in $((${dur:-0} / 60)) min $((${dur:-0} % 60)) s$([ "$quick" = 1 ] && echo " with QUICK=1: **shrunken sweeps, to check the machinery; the figures mean little**")."
    echo "Every Open MPI figure was measured in the same run as mosix's, in turns, on the same cores:"
    echo "this machine is shared and noisy, so only such pairs compare. **Ratios are mosix's advantage**:"
    echo "Open MPI's time over mosix's, or mosix's bandwidth over Open MPI's; above 1 mosix is faster."
    echo "The data behind every table and plot is in [report/data/](report/data/)."
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(m date) |"
    echo "| CPU | $(m cpu), $(m cores) cores |"
    echo "| memory | $(m memory) |"
    echo "| kernel | $(m kernel) |"
    echo "| Debian | $(m debian) |"
    echo "| mosix | $(m mosix), commit $(m commit) |"
    echo "| Open MPI | $(m openmpi) |"
    echo "| UCX | $(m ucx) |"
    echo "| hwloc | $(m hwloc) |"
    echo "| compiler | $(m compiler) |"
    echo "| plots | $(m gnuplot) |"
    echo "| load average (1, 5, 15 min) | $(m load_start) at the start, $(m load_end) at the end |"
    echo
    echo "## Summary"
    echo
    echo "Open MPI's figure is the better of ob1 and UCX; the details and every other size are in the sections below."
    echo
    echo "| figure | mosix | Open MPI | mosix's advantage |"
    echo "|---|---:|---:|---:|"
    summary
    echo

    echo "## 1. Point-to-point latency and bandwidth"
    echo
    echo "\`bench_p2p --sweep\` (bench/bench_p2p.c), one source built with mosixcc and with Open MPI's mpicc,"
    echo "OSU-style: one-way latency is half a ping-pong's round trip (osu_latency), bandwidth a window of"
    echo "64 nonblocking sends answered by one acknowledgement (osu_bw). Each figure runs for a fixed time"
    echo "rather than a fixed count (bench/bench_timed.h), and is the best of the run's rounds."
    echo
    echo "* **same PE**: mosix \`mosexec -n 2 --pes 1\`, both ranks fibers of one process on core $(m pus | cut -d' ' -f1); Open MPI"
    echo "  two processes on that core (\`taskset -c\`, \`--mca mpi_yield_when_idle 1\` so a waiting process"
    echo "  yields the core instead of spinning out its time slice)"
    echo "* **2 PEs**: mosix \`mosexec -n 2 --pes 2\` (PEs bound to cores $(m pus | tr ' ' ',')); Open MPI ranks bound to the"
    echo "  same cores (rankfile)"
    echo "* **2 hosts**: two network namespaces on a bridge (tests/netns/hosts.sh), one rank on each, TCP over"
    echo "  veth; mosix and Open MPI UCX with \`UCX_TLS=tcp,self\`, Open MPI ob1 with \`--mca btl self,tcp\`"
    echo "* Open MPI **ob1**: \`--mca pml ob1 --mca btl self,vader\` (hosts: \`self,tcp\`); **UCX**: \`--mca pml ucx\`"
    echo
    echo "![point-to-point latency](report/p2p_latency.svg)"
    echo
    echo "![point-to-point bandwidth](report/p2p_bandwidth.svg)"
    for pl in same cores hosts; do
        echo
        echo "### $(place_title $pl)"
        echo
        grep -q "^$pl " "$d/p2p.dat" && p2p_table $pl || echo "(no figures)"
    done
    failed_lines "$d/p2p.failed"
    echo

    echo "## 2. Collectives"
    echo
    echo "\`bench_collectives\` (bench/bench_collectives.c): the mean time of one call, averaged over the ranks"
    echo "(OSU's \"Avg Latency\"); bcast and allreduce of 8 B and 16 KiB (doubles, SUM), alltoall of 8 B and"
    echo "16 KiB to each rank; every result checked. mosix: \`mosexec -n N\` (N ranks on min(N, $(m cores)) PEs);"
    echo "Open MPI: \`mpirun -np N\`, bound to cores up to $(m cores) processes, beyond that"
    echo "\`--oversubscribe --bind-to none\` (N processes time-sharing $(m cores) cores)."
    echo
    echo "![collectives, 8 B](report/coll_8.svg)"
    echo
    echo "![collectives, 16 KiB](report/coll_16384.svg)"
    echo
    echo "### 8 B (barrier: no data)"
    echo
    have "$d/coll.dat" && coll_table 8 || echo "(no figures)"
    echo
    echo "### 16 KiB"
    echo
    have "$d/coll.dat" && coll_table 16384 | grep -v '^| barrier' || echo "(no figures)"
    failed_lines "$d/coll.failed"
    echo

    echo "## 3. Start-up time and memory"
    echo
    echo "examples/hello_allreduce (every rank takes part in one \`MPI_Allreduce\`): wall clock of the whole"
    echo "\`mosexec -n N\` or \`mpirun -np N --oversubscribe --bind-to none --mca pml ob1\`, from start to exit,"
    echo "and the peak memory of the job (a memory cgroup around it: every process, mpirun included). mosix"
    echo "runs N ranks as fibers in one PE per core; Open MPI starts N processes, as far as it gets (below)."
    echo
    echo "![start-up](report/startup.svg)"
    echo
    have "$d/startup.raw" && startup_table || echo "(no figures)"
    if [ -s "$d/startup.notes" ]; then
        echo
        sed 's/^mosix /* mosix: /' "$d/startup.notes"
    fi
    if [ -s "$d/startup.stop" ]; then
        echo
        sed 's/^mosix /* mosix /; s/^openmpi /* Open MPI /; s/^all /* /' "$d/startup.stop"
    fi
    echo

    echo "## 4. Migration, checkpoint and restart"
    echo
    echo "No Open MPI counterpart: the references are a \`memcpy\` of the same bytes (migration) and the"
    echo "disk's own write rate (checkpoint)."
    echo
    echo "![migration and checkpoint](report/memory.svg)"
    echo
    echo "### Live migration, 2 PEs on this host (bench_migrate)"
    echo
    if [ -s "$d/migrate_local.txt" ]; then verbatim "$d/migrate_local.txt"; fi
    [ -f "$d/migrate_local.failed" ] && echo && echo "Failed: $(cat "$d/migrate_local.failed")"
    echo
    echo "### Live migration between 2 stand-in hosts (bench/migrate_hosts.sh)"
    echo
    if [ -s "$d/migrate_hosts.txt" ]; then verbatim "$d/migrate_hosts.txt"; fi
    [ -f "$d/migrate_hosts.failed" ] && echo && echo "Missing: $(cat "$d/migrate_hosts.failed")"
    echo
    echo "### Checkpoint and restart (bench/checkpoint.sh)"
    echo
    if [ -s "$d/checkpoint.txt" ]; then verbatim "$d/checkpoint.txt"; fi
    [ -f "$d/checkpoint.failed" ] && echo && echo "Failed: $(cat "$d/checkpoint.failed")"
    echo

    echo "## 5. The load balancer (bench/balance.sh)"
    echo
    echo "No Open MPI counterpart (its ranks cannot move): the reference is the ideal, the total work over"
    echo "the cores. off/i, ref/i, gre/i: each time over the ideal (1.00 is perfect)."
    echo
    have "$d/balance.dat" && echo "![load balancer](report/balance.svg)" && echo
    if [ -s "$d/balance.txt" ]; then verbatim "$d/balance.txt"; fi
    [ -f "$d/balance.failed" ] && echo && echo "Failed: $(cat "$d/balance.failed")"
    true
} >"$md"
mv "$md" "$out/REPORT.md"
