# Whole-program tests: the examples and the self-checking MPI programs in tests/mpi/ run as a user
# runs them, through mosexec, at several rank counts; tests/mpi/ programs are also built with Open
# MPI's mpicc and run by its mpirun, and both libraries must print the same. The checks themselves
# are in run_program_test.sh (one mode per kind of check).
set(_run ${CMAKE_CURRENT_SOURCE_DIR}/run_program_test.sh)
set(_mosexec $<TARGET_FILE:mosexec>)

function(mosix_program_test name)
  add_test(NAME program.${name} COMMAND sh ${_run} ${ARGN})
  set_tests_properties(program.${name} PROPERTIES TIMEOUT 120)
endfunction()

# --- examples ---------------------------------------------------------------------------------------
foreach(n 1 2 7 64 1000)
  mosix_program_test(hello.n${n} hello ${_mosexec} ${n} $<TARGET_FILE:hello>)
  mosix_program_test(ring.n${n} expect ${_mosexec} ${n} "^ring ok: ${n} ranks" $<TARGET_FILE:ring>)
  mosix_program_test(hello_allreduce.n${n} expect ${_mosexec} ${n} "^sum ([0-9]+) expected \\1$"
                     $<TARGET_FILE:hello_allreduce>)
endforeach()
# Many more ranks than PE memory would allow as processes; reports the job's peak RSS.
mosix_program_test(hello_allreduce.n10000 rss ${_mosexec} 10000 "^sum 49995000 expected 49995000$"
                   $<TARGET_FILE:hello_allreduce>)

# 256 rows: at 1000 ranks, 744 ranks own no row and still take part in every collective. Open MPI
# (if installed) must print the same checksum.
find_program(MOSIX_OPENMPI_CC NAMES mpicc.openmpi mpicc DOC "Open MPI's mpicc, for comparison runs")
find_program(MOSIX_OPENMPI_RUN NAMES mpirun.openmpi mpirun DOC "Open MPI's mpirun, for comparison runs")
set(_solver_openmpi "")
if(MOSIX_OPENMPI_CC AND MOSIX_OPENMPI_RUN)
  set(_solver_ompi ${CMAKE_CURRENT_BINARY_DIR}/openmpi/solver)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/openmpi)
  add_custom_command(OUTPUT ${_solver_ompi}
                     COMMAND ${MOSIX_OPENMPI_CC} -std=c11 -O2 -Wall -Wextra -o ${_solver_ompi}
                             ${PROJECT_SOURCE_DIR}/examples/solver.c -lm
                     DEPENDS ${PROJECT_SOURCE_DIR}/examples/solver.c
                     COMMENT "Building solver with Open MPI (${MOSIX_OPENMPI_CC})")
  add_custom_target(openmpi_solver ALL DEPENDS ${_solver_ompi})
  set(_solver_openmpi ${MOSIX_OPENMPI_RUN} "1 2 7" ${_solver_ompi})
endif()
mosix_program_test(solver.checksum_all_rank_counts checksum ${_mosexec} "1 2 7 64 1000"
                   $<TARGET_FILE:solver> ${_solver_openmpi} -- --nx 256 --ny 256 --iters 500)
mosix_program_test(solver.converges checksum ${_mosexec} "1 3" $<TARGET_FILE:solver> --
                   --nx 8 --ny 6 --tol 1e-3)
mosix_program_test(solver.defaults expect ${_mosexec} 7 "^iterations 1000 " $<TARGET_FILE:solver>)
mosix_program_test(solver.bad_value fails ${_mosexec} 3 2 "--nx needs a valid value, got '2'"
                   $<TARGET_FILE:solver> --nx 2)
mosix_program_test(solver.unknown_option fails ${_mosexec} 3 2 "unknown option '--bogus'"
                   $<TARGET_FILE:solver> --bogus)

# --- tests/mpi: self-checking MPI programs -----------------------------------------------------------
# C++ programs (*.cc, *.cpp) are built the way a user builds them: with the build tree's mosixcxx
# and with Open MPI's mpicxx.
file(GLOB MOSIX_MPI_PROGRAMS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/mpi/*.c
     ${CMAKE_CURRENT_SOURCE_DIR}/mpi/*.cc ${CMAKE_CURRENT_SOURCE_DIR}/mpi/*.cpp)
find_program(MOSIX_OPENMPI_CXX NAMES mpicxx.openmpi mpicxx DOC "Open MPI's mpicxx, for comparison runs")
set(_mosixcxx ${PROJECT_BINARY_DIR}/launcher/mosixcxx)
foreach(src ${MOSIX_MPI_PROGRAMS})
  get_filename_component(name ${src} NAME_WE)
  get_filename_component(ext ${src} LAST_EXT)
  if(ext STREQUAL ".c")
    mosix_test_program(mpitest ${src} mpi)
    set(prog $<TARGET_FILE:mpitest_${name}>)
    set(_ompi_compiler ${MOSIX_OPENMPI_CC})
    set(_ompi_std -std=c11)
  else()
    set(_out ${CMAKE_CURRENT_BINARY_DIR}/mpi/${name})
    add_custom_command(OUTPUT ${_out}
                       COMMAND ${_mosixcxx} -std=c++20 -O2 -Wall -Wextra -o ${_out} ${src}
                       DEPENDS ${src} ${CMAKE_CURRENT_SOURCE_DIR}/mpi/check.h mosixcomm mosix_main
                       COMMENT "Building ${name} with mosixcxx")
    add_custom_target(mpitest_${name}_build ALL DEPENDS ${_out})
    # As a target, so other test files take $<TARGET_FILE:mpitest_NAME> for C and C++ alike.
    add_executable(mpitest_${name} IMPORTED)
    set_target_properties(mpitest_${name} PROPERTIES IMPORTED_LOCATION ${_out})
    set(prog ${_out})
    set(_ompi_compiler ${MOSIX_OPENMPI_CXX})
    set(_ompi_std -std=c++20 -DOMPI_SKIP_MPICXX)  # the C binding, as mosix's; not Open MPI's old C++ one
  endif()
  foreach(n 1 2 7 64)
    mosix_program_test(mpi.${name}.n${n} expect ${_mosexec} ${n} "^${name} on ${n} ranks$" ${prog})
  endforeach()

  if(_ompi_compiler AND MOSIX_OPENMPI_RUN)
    set(ompi ${CMAKE_CURRENT_BINARY_DIR}/openmpi/${name})
    add_custom_command(OUTPUT ${ompi}
                       COMMAND ${_ompi_compiler} ${_ompi_std} -O2 -Wall -Wextra -o ${ompi} ${src}
                       DEPENDS ${src} ${CMAKE_CURRENT_SOURCE_DIR}/mpi/check.h
                       COMMENT "Building ${name} with Open MPI (${_ompi_compiler})")
    add_custom_target(openmpi_${name} ALL DEPENDS ${ompi})
    foreach(n 1 2 7)
      mosix_program_test(mpi.${name}.vs_openmpi.n${n} compare ${_mosexec} ${MOSIX_OPENMPI_RUN} ${n} ${prog}
                         ${ompi})
    endforeach()
  endif()
endforeach()
