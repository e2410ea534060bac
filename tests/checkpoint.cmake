# Checkpoint/restart of whole jobs (mosix_checkpoint, mosexec --restart), run as a user would with
# the solver's --checkpoint-at K. Label "checkpoint" (plus "netns" for the stand-in hosts). The
# launcher's flags alone are checkpoint_cli.cmake's.
#
#   checkpoint.unsupported_or_no_dir  --checkpoint-at without --checkpoint-dir fails the job with
#                                     "no checkpoint directory" (sanitizer builds: "cannot write
#                                     checkpoints", as they cannot write any)
#   checkpoint.solver_restart_pes     checkpoint/solver_restart.sh pes: 64 ranks checkpointed on 2
#                                     PEs, restarted on 1, 4 and 3: the uninterrupted run's checksum
#   checkpoint.refused                checkpoint/solver_restart.sh refused: a flipped byte, a cut
#                                     part, another program and no checkpoint at all are each
#                                     refused with a reason, and the intact checkpoint restarts
#   netns.checkpoint_restart_4_hosts  netns/checkpoint_across_hosts.sh: checkpointed on 2 stand-in
#                                     hosts, restarted on 4 (root only, skipped elsewhere)

add_test(NAME checkpoint.unsupported_or_no_dir
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_program_test.sh fails $<TARGET_FILE:mosexec> 3 1
                 "mosix_checkpoint: (no checkpoint directory|.*cannot write checkpoints)"
                 $<TARGET_FILE:solver> --checkpoint-at 5)
set_tests_properties(checkpoint.unsupported_or_no_dir PROPERTIES TIMEOUT 60 LABELS checkpoint)

# Not in the sanitizer build: there a rank's heap is in the PE's heap instead of its slot (as for
# migration, tests/migration.cmake), so no image of it can be written.
if(MOSIX_SANITIZE)
  return()
endif()

add_test(NAME checkpoint.solver_restart_pes
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/solver_restart.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver> pes)
# Another mosix program for the build check: tests/migration/big_heap (tests/migration.cmake).
add_test(NAME checkpoint.refused
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/solver_restart.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver> refused $<TARGET_FILE:migration_big_heap>)
set_tests_properties(checkpoint.solver_restart_pes checkpoint.refused PROPERTIES TIMEOUT 180 LABELS checkpoint)

# Synchronous sends across a checkpoint and a restart, unmatched and just matched
# (tests/migration/ssend_migrate.c, built by tests/migration.cmake).
add_test(NAME checkpoint.ssend_restart
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/ssend_restart.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:migration_ssend_migrate>)
set_tests_properties(checkpoint.ssend_restart PROPERTIES TIMEOUT 300 LABELS checkpoint)

add_test(NAME netns.checkpoint_restart_4_hosts
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/checkpoint_across_hosts.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver>)
set_tests_properties(netns.checkpoint_restart_4_hosts PROPERTIES TIMEOUT 180 LABELS "netns;checkpoint"
                     SKIP_RETURN_CODE 77)
