# Checkpoint runs beyond the solver (tests/checkpoint.cmake): recovery from a lost PE (mosexec
# --restart-on-failure), and a checkpoint taken in the middle of the migration storm.
#
# tests/checkpoint/recovery.sh kills a PE of a running job after its first checkpoint and expects
# mosexec to finish the job from there with the checksum of an uninterrupted run. Checkpoints need
# every rank byte in its slot: not in sanitizer builds.
if(MOSIX_SANITIZE)
  return()
endif()

add_test(NAME checkpoint.recovery_after_kill
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/recovery.sh $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
set_tests_properties(checkpoint.recovery_after_kill PROPERTIES TIMEOUT 180 LABELS checkpoint)

# A checkpoint with messages in flight (tests/migration/storm --checkpoint-round), finished from on
# 3 and on 1 PEs: every message is checked and the job's checksum must not change.
add_test(NAME checkpoint.storm_restart
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/storm_restart.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:migration_storm>)
set_tests_properties(checkpoint.storm_restart PROPERTIES TIMEOUT 180 LABELS checkpoint)

# Compressed checkpoints (mosexec --checkpoint-compress): smaller, restartable, damage refused.
add_test(NAME checkpoint.compressed
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/compressed.sh $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
set_tests_properties(checkpoint.compressed PROPERTIES TIMEOUT 180 LABELS checkpoint)

# Checkpoints the program does not ask for: mosexec --checkpoint-every and mosctl checkpoint.
add_test(NAME checkpoint.requested
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/requested.sh $<TARGET_FILE:mosexec> $<TARGET_FILE:mosctl>
                 $<TARGET_FILE:solver>)
set_tests_properties(checkpoint.requested PROPERTIES TIMEOUT 180 LABELS checkpoint)
