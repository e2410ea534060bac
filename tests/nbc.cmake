# Nonblocking collectives (lib/nbc): the program tests/mpi/nonblocking_coll.c runs with the other
# tests/mpi programs (programs.cmake); the argument errors are tests/nbc_errors_test.cc. Here:
#
#   nbc.migrate.*  tests/migration/nbc_migrate.c: 64 ranks on 2 and 3 PEs start eight nonblocking
#                  collectives per round on two communicators, move to other PEs with them under
#                  way (and again half done), then check every result; NBX with moves inside the
#                  Ibarrier. The --no-migrate run tells a fault of the pattern from one of migration.
#
# Not in the sanitizer build, like the other migration tests (migration.cmake says why).
if(MOSIX_SANITIZE)
  return()
endif()

mosix_test_program(migration ${CMAKE_CURRENT_SOURCE_DIR}/migration/nbc_migrate.c migration)

function(mosix_nbc_test name n p regex)
  add_test(NAME nbc.${name}.n${n}p${p}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_multipe_test.sh $<TARGET_FILE:mosexec> ${n} ${p} ${regex}
                   $<TARGET_FILE:migration_nbc_migrate> ${ARGN})
  set_tests_properties(nbc.${name}.n${n}p${p} PROPERTIES TIMEOUT 120 LABELS migration)
endfunction()

mosix_nbc_test(migrate 64 2 "^nbc_migrate ok: 64 ranks, 12 rounds, [1-9][0-9]+ migrations$")
mosix_nbc_test(migrate 64 3 "^nbc_migrate ok: 64 ranks, 12 rounds, [1-9][0-9]+ migrations$")
mosix_nbc_test(migrate 7 3 "^nbc_migrate ok: 7 ranks, 20 rounds, [1-9][0-9]* migrations$" --rounds 20)
mosix_nbc_test(no_moves 64 2 "^nbc_migrate ok: 64 ranks, 12 rounds, 0 migrations$" --no-migrate)
