# Recovery from a lost PE (mosexec --restart-on-failure): tests/checkpoint/recovery.sh kills a PE
# of a running job after its first checkpoint and expects mosexec to finish the job from there with
# the checksum of an uninterrupted run. Checkpoints need every rank byte in its slot: not in
# sanitizer builds.
if(MOSIX_SANITIZE)
  return()
endif()

add_test(NAME checkpoint.recovery_after_kill
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/checkpoint/recovery.sh $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
set_tests_properties(checkpoint.recovery_after_kill PROPERTIES TIMEOUT 180 LABELS checkpoint)
