# mosexec with several PEs, on this machine and on stand-in hosts (network namespaces): default PE
# count, PE failure and signals, output and stdin (tests/launcher_multipe.sh), and the solver
# across hosts (tests/netns/, label netns: needs root, skipped without).
set(_launcher_multipe ${CMAKE_CURRENT_SOURCE_DIR}/launcher_multipe.sh)

foreach(name long_lines stdin_rank0)
  add_executable(launchertest_${name} launcher/${name}.c)
  target_link_libraries(launchertest_${name} PRIVATE mosix_mpi)
  set_target_properties(launchertest_${name} PROPERTIES OUTPUT_NAME ${name}
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/launcher)
endforeach()

function(mosix_mosexec_test name)
  add_test(NAME multipe.mosexec.${name} COMMAND sh ${_launcher_multipe} ${ARGN})
  set_tests_properties(multipe.mosexec.${name} PROPERTIES TIMEOUT 120 LABELS multipe)
endfunction()

mosix_mosexec_test(default_pes default_pes $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
mosix_mosexec_test(kill_pe kill_pe $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
foreach(sig TERM INT HUP)
  mosix_mosexec_test(stop_${sig} stop ${sig} $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
endforeach()
mosix_mosexec_test(whole_lines lines $<TARGET_FILE:mosexec> $<TARGET_FILE:launchertest_long_lines>)
mosix_mosexec_test(stdin_to_pe0 stdin $<TARGET_FILE:mosexec> $<TARGET_FILE:launchertest_stdin_rank0>)
mosix_mosexec_test(first_exit_status first_exit $<TARGET_FILE:mosexec>)

foreach(k 2 3)
  add_test(NAME netns.solver_${k}_hosts
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/solver_across_hosts.sh $<TARGET_FILE:mosexec>
                   $<TARGET_FILE:solver> ${k})
  set_tests_properties(netns.solver_${k}_hosts PROPERTIES TIMEOUT 180 LABELS netns SKIP_RETURN_CODE 77)
endforeach()
add_test(NAME netns.kill_remote_pe
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/kill_remote_pe.sh $<TARGET_FILE:mosexec> $<TARGET_FILE:solver>)
set_tests_properties(netns.kill_remote_pe PROPERTIES TIMEOUT 180 LABELS netns SKIP_RETURN_CODE 77)
