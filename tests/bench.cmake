# The benchmark programs of bench/report.sh check what they measure (every byte of the ping-pongs,
# every collective's result); here they run briefly, so a change that breaks them shows before the
# next report does.
set(_bench_run ${CMAKE_CURRENT_SOURCE_DIR}/run_program_test.sh)
set(_bench_mosexec $<TARGET_FILE:mosexec>)

function(mosix_bench_test name)
  add_test(NAME bench.${name} COMMAND sh ${_bench_run} ${ARGN})
  set_tests_properties(bench.${name} PROPERTIES TIMEOUT 120)
endfunction()

mosix_bench_test(p2p_sweep.same_pe expect ${_bench_mosexec} 2 "^p2p 65536 [0-9.]+ [0-9.]+ "
                 --pes 1 $<TARGET_FILE:bench_p2p> --sweep --time 0.002 --max-bytes 65536)
# 3 ranks: the third waits outside the pair's communicator.
mosix_bench_test(p2p_sweep.two_pes expect ${_bench_mosexec} 3 "^p2p 100000 [0-9.]+ [0-9.]+ "
                 --pes 2 $<TARGET_FILE:bench_p2p> --sweep --time 0.002 --max-bytes 100000)
mosix_bench_test(p2p_sweep.bad_option fails ${_bench_mosexec} 2 2 "usage: bench_p2p"
                 $<TARGET_FILE:bench_p2p> --sweep --max-bytes 0)
mosix_bench_test(collectives.n7 expect ${_bench_mosexec} 7 "^coll alltoall 1000 7 [0-9.]+ "
                 $<TARGET_FILE:bench_collectives> --time 0.002 --sizes 8,1000)
mosix_bench_test(collectives.bad_size fails ${_bench_mosexec} 2 2 "usage: bench_collectives"
                 $<TARGET_FILE:bench_collectives> --sizes 4)

add_test(NAME bench.calibration COMMAND $<TARGET_FILE:bench_calibration> 3)
set_tests_properties(bench.calibration PROPERTIES PASS_REGULAR_EXPRESSION "calibration spread [0-9.]+ over 3 runs")
add_test(NAME bench.calibration.bad_count COMMAND $<TARGET_FILE:bench_calibration> 0)
set_tests_properties(bench.calibration.bad_count PROPERTIES WILL_FAIL TRUE)
