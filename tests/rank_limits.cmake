# Rank counts against the kernel's mapping limit (runtime/map_budget.hpp): a PE maps two areas per
# rank and vm.max_map_count allows a process 65530 by default, so mosexec starts enough PEs by
# itself, refuses an explicit --pes that cannot hold the ranks, and 100,000 ranks run on this
# machine's cores. 16,000,000 ranks exceed any usual limit on one PE, whatever the host's sysctl.
set(_check ${CMAKE_CURRENT_SOURCE_DIR}/expect_status.sh)
add_test(NAME launcher.mosexec_pes_over_map_limit
         COMMAND sh ${_check} 2
                 "^mosexec: 16000000 ranks on 1 PE put 16000000 ranks on a PE, .*more than vm.max_map_count ([0-9]*) allows: use --pes [0-9]* or more (or leave --pes out), or raise the limit (sysctl -w vm.max_map_count=[0-9]*)"
                 $<TARGET_FILE:mosexec> -n 16000000 --pes 1 true)
add_test(NAME launcher.mosexec_default_pes_fit_map_limit
         COMMAND sh ${_check} 0
                 "^mosexec: 16000000 ranks need [0-9]* PEs here (vm.max_map_count [0-9]*); starting [0-9]* PEs on [0-9]* cores*$"
                 $<TARGET_FILE:mosexec> -n 16000000 --dry-run true)
set_tests_properties(launcher.mosexec_pes_over_map_limit launcher.mosexec_default_pes_fit_map_limit
                     PROPERTIES TIMEOUT 60)

# The whole job (about 25 CPU-seconds and 0.6 GB per PE here; ~45 s in the sanitizer build): reports
# the peak RSS of a PE. In the sanitizer build it once ended with status 0 but without rank 0's last
# line: mosexec, slow to parse the PEs' final statistics, gave up on their connections 2 s after
# mpirun ended, with that line still queued behind them (launcher/mosexec_supervise.cc, kDrainMs).
add_test(NAME program.hello_allreduce.n100000
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_program_test.sh rss $<TARGET_FILE:mosexec> 100000
                 "^sum 4999950000 expected 4999950000$" $<TARGET_FILE:hello_allreduce>)
set_tests_properties(program.hello_allreduce.n100000 PROPERTIES TIMEOUT 400)
