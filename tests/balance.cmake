# Load balancing, whole jobs (issue 5): the periodic balancer and the collective mosix_balance()
# moving ranks of real programs, checked from the balancer's own -v log and the programs' results.
# Label "balance" (plus "netns" for the stand-in hosts). The policies alone are unit-tested in
# balance_policy_test.cc.
#
#   balance.moves_off_loaded_pe    solver --imbalance 4 on 2 PEs, --lb refine: ranks leave the loaded
#                                  PE 0, the first decision moves none onto it, checksum unchanged
#   balance.off_moves_nothing      the same with --lb off: no decision logged, checksum unchanged
#   balance.collective             tests/balance/collective.c: mosix_balance() moves ranks off the PE
#                                  with the heavy ranks, Allreduce checksum checked every iteration;
#                                  with --lb off nobody moves and the checksum is the same
#   netns.balance_memory_pressure  host 2's PE in a memory cgroup with little headroom: its ranks
#                                  move to host 1, for memory (root only)
#
# A malformed balancer setting reaching a PE (mosexec checks its own flags; these are the
# variables set by hand) ends the job with one line and status 2, in every build.
foreach(bad "MOSIX_LB=fast|MOSIX_LB='fast' is not off, greedy or refine"
            "MOSIX_LB_PERIOD=0|MOSIX_LB_PERIOD='0' is not a period between 0.01 and 3600 seconds"
            "MOSIX_GOSSIP_PERIOD=x|MOSIX_GOSSIP_PERIOD='x' is not a period"
            "MOSIX_LB_MEMORY_LOW=12Q|MOSIX_LB_MEMORY_LOW='12Q' is not a byte count")
  string(REPLACE "|" ";" parts "${bad}")
  list(GET parts 0 setting)
  list(GET parts 1 message)
  string(REGEX REPLACE "=.*" "" name "${setting}")
  add_test(NAME balance.bad_setting.${name}
           COMMAND sh -c "env ${setting} \"$1\" 2>&1; echo exit status $?" sh $<TARGET_FILE:hello>)
  # The message, then (from the shell) the status: PASS_REGULAR_EXPRESSION ignores exit codes.
  set_tests_properties(balance.bad_setting.${name} PROPERTIES TIMEOUT 30 LABELS balance
                       PASS_REGULAR_EXPRESSION "${message}[^\n]*\nexit status 2")
endforeach()

# Not in the sanitizer build: there AddressSanitizer owns malloc, so a rank's heap is in the PE's
# heap instead of its slot and cannot travel (as in migration.cmake).
if(MOSIX_SANITIZE)
  return()
endif()

mosix_test_program(balance ${CMAKE_CURRENT_SOURCE_DIR}/balance/collective.c balance)

# 512 x 512 for 6000 iterations: about 2 s for the job on an idle machine (several times that on a
# loaded one), so about ten 0.2 s balance periods at the least.
set(_balance_grid --nx 512 --ny 512 --iters 6000 --tol 0)
add_test(NAME balance.moves_off_loaded_pe
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/balance/solver_balance.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver> refine 4 ${_balance_grid})
add_test(NAME balance.off_moves_nothing
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/balance/solver_balance.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver> off 4 ${_balance_grid})

# Both jobs in one test: the balancer on (the moves) and off (mosix_balance() only synchronizes).
add_test(NAME balance.collective
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/balance/collective.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:balance_collective>)
set_tests_properties(balance.moves_off_loaded_pe balance.off_moves_nothing balance.collective
                     PROPERTIES TIMEOUT 120 LABELS balance)

# Stand-in hosts: root only, skipped (77) elsewhere, like the other netns tests.
add_test(NAME netns.balance_memory_pressure
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/balance_memory_pressure.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver>)
set_tests_properties(netns.balance_memory_pressure PROPERTIES TIMEOUT 120 LABELS "netns;balance"
                     SKIP_RETURN_CODE 77)
