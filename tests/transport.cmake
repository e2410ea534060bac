# Multi-PE semantics: the self-checking MPI programs of tests/mpi/ and tests/transport/ run as N
# ranks on P PEs (through mosexec, mpirun and the UCX transport), including P that do not divide
# N, so ordering, wildcards, cancel, truncation and every collective are shown to hold between PEs.
set(_multipe ${CMAKE_CURRENT_SOURCE_DIR}/run_multipe_test.sh)

file(GLOB MOSIX_TRANSPORT_PROGRAMS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/transport/*.c)
foreach(src ${MOSIX_TRANSPORT_PROGRAMS})
  mosix_test_program(transport ${src} transport)
endforeach()

function(mosix_multipe_test name n p regex target)
  add_test(NAME multipe.${name}.n${n}p${p}
           COMMAND sh ${_multipe} $<TARGET_FILE:mosexec> ${n} ${p} ${regex} $<TARGET_FILE:${target}> ${ARGN})
  set_tests_properties(multipe.${name}.n${n}p${p} PROPERTIES TIMEOUT 120 LABELS multipe)
endfunction()

foreach(src ${MOSIX_MPI_PROGRAMS})
  get_filename_component(name ${src} NAME_WE)
  foreach(np "2;2" "7;2" "64;2" "7;3" "64;4")
    list(GET np 0 n)
    list(GET np 1 p)
    mosix_multipe_test(${name} ${n} ${p} "^${name} on ${n} ranks$" mpitest_${name})
  endforeach()
endforeach()
foreach(np "2;2" "7;2" "64;3")
  list(GET np 0 n)
  list(GET np 1 p)
  mosix_multipe_test(remote_errors ${n} ${p} "^remote_errors on ${n} ranks$" transport_remote_errors)
endforeach()
mosix_multipe_test(idle_cpu 2 2 "^idle ok$" transport_idle_cpu)

# Two builds of one program (different build ids) must not start as one job.
add_executable(transport_hello_other ${PROJECT_SOURCE_DIR}/examples/hello.c)
target_compile_options(transport_hello_other PRIVATE -O0)
target_link_libraries(transport_hello_other PRIVATE mosix_mpi)
add_test(NAME multipe.different_binaries_refused
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/transport/different_binaries.sh $<TARGET_FILE:hello>
                 $<TARGET_FILE:transport_hello_other>)
set_tests_properties(multipe.different_binaries_refused PROPERTIES TIMEOUT 90 SKIP_RETURN_CODE 77 LABELS multipe)

# A PE that should be one of several but was not started by a PMIx launcher says so and fails.
add_test(NAME multipe.outside_a_launcher_refused
         COMMAND sh -c "MOSIX_PES=2 MOSIX_NRANKS=4 \"$1\"; test $? -ne 0" sh $<TARGET_FILE:hello>)
set_tests_properties(multipe.outside_a_launcher_refused PROPERTIES TIMEOUT 30 LABELS multipe
                     PASS_REGULAR_EXPRESSION "not started by a PMIx launcher: run it with mosexec")

# The migration API between PEs: what a moving rank has pending goes with it (see the program).
if(MOSIX_SANITIZE)
  set(_moved unsupported)  # AddressSanitizer owns malloc there: rank memory is not in the slots
else()
  set(_moved moved)
endif()
foreach(np "4;2" "7;3")
  list(GET np 0 n)
  list(GET np 1 p)
  mosix_multipe_test(migrate_api ${n} ${p} "^migrate_api on ${n} ranks: ${_moved}$" transport_migrate_api)
endforeach()
