# Live migration (issue 4): programs in tests/migration/ that move ranks between PEs with
# mosix_migrate_to() while they communicate and compute, and check that nothing is lost,
# duplicated, reordered or corrupted. Label "migration" (plus "netns" for the stand-in hosts).
#
#   migration.storm.*          tests/migration/storm.c: 64 ranks, point-to-point (posted, unexpected,
#                              wildcard; eager and rendezvous) and collectives on MPI_COMM_WORLD and a
#                              split communicator, hundreds of random moves; the pattern, every
#                              message and the job's checksum are checked by the program itself
#   migration.storm_no_moves.* the same storm with the moves decided but not made: tells a fault of
#                              the storm's pattern apart from one of migration
#   migration.solver.*         examples/solver.c --migrate-every K: same checksum as one rank
#   migration.big_heap.*       tests/migration/big_heap.c: 256 MiB heap, stack and rank-local data
#                              moved there and back, every byte checked
#   migration.datatypes_migrate.* tests/migration/datatypes_migrate.c: derived types, a receive
#                              pending in one and a persistent send of one move with their rank
#   migration.ssend_migrate.*  tests/migration/ssend_migrate.c: an MPI_Issend stays incomplete until
#                              its receive matches, though its bytes move first (receiver or sender
#                              migrates, forwarding); checkpoint/ssend_restart.sh adds checkpoints
#   netns.migration_*          storm and solver with one PE per network-namespace host (root only)
#
# Not in the sanitizer build: there AddressSanitizer owns malloc, so a rank's heap is in the PE's
# heap instead of its slot (runtime/CMakeLists.txt leaves out malloc_shim.cc) and cannot travel.
if(MOSIX_SANITIZE)
  return()
endif()

foreach(name storm big_heap datatypes_migrate ssend_migrate)
  mosix_test_program(migration ${CMAKE_CURRENT_SOURCE_DIR}/migration/${name}.c migration)
endforeach()

# NAME N P REGEX TARGET [ARGS...]: TARGET as N ranks on P PEs must exit 0 and print a line matching
# REGEX (run_multipe_test.sh).
function(mosix_migration_test name n p regex target)
  add_test(NAME migration.${name}.n${n}p${p}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_multipe_test.sh $<TARGET_FILE:mosexec> ${n} ${p} ${regex}
                   $<TARGET_FILE:${target}> ${ARGN})
  set_tests_properties(migration.${name}.n${n}p${p} PROPERTIES TIMEOUT 120 LABELS migration)
endfunction()

# At least 100 moves (the defaults give several hundred); the checksum is checked by the program.
set(_storm_ok "^storm ok: 64 ranks, 30 rounds, [1-9][0-9][0-9]+ migrations, checksum 0x[0-9a-f]+$")
mosix_migration_test(storm 64 2 "${_storm_ok}" migration_storm)
mosix_migration_test(storm 64 3 "${_storm_ok}" migration_storm)
# Few ranks on more PEs, ranks not a multiple of PEs, moving more often.
mosix_migration_test(storm 7 3 "^storm ok: 7 ranks, 40 rounds, [1-9][0-9][0-9]+ migrations, checksum"
                     migration_storm --rounds 40 --permille 60)
mosix_migration_test(storm_no_moves 64 2 "^storm ok: 64 ranks, 30 rounds, 0 migrations, checksum" migration_storm
                     --no-migrate)

mosix_migration_test(big_heap 2 2 "^big_heap ok: 256 MiB moved PE 0 -> 1 -> 0, every byte checked$"
                     migration_big_heap)
mosix_migration_test(datatypes_migrate 8 2 "^datatypes_migrate ok: 8 ranks, 8 migrations$"
                     migration_datatypes_migrate)
mosix_migration_test(datatypes_migrate 7 3 "^datatypes_migrate ok: 7 ranks, 7 migrations$"
                     migration_datatypes_migrate)

# Synchronous sends whose message moves unmatched (the receiver leaves, it is forwarded, the sender
# leaves; checkpoints with one unmatched and one just matched) complete only at their match.
mosix_migration_test(ssend_migrate 3 3 "^ssend_migrate ok: 5 scenarios$" migration_ssend_migrate)
mosix_migration_test(ssend_migrate 5 4 "^ssend_migrate ok: 5 scenarios$" migration_ssend_migrate)

foreach(p 2 3)
  add_test(NAME migration.solver.n64p${p}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/migration/solver_migrate.sh $<TARGET_FILE:mosexec>
                   $<TARGET_FILE:solver> 64 ${p} 25 --nx 256 --ny 256 --iters 500)
  set_tests_properties(migration.solver.n64p${p} PROPERTIES TIMEOUT 120 LABELS migration)
endforeach()

# Stand-in hosts: root only, skipped (77) elsewhere, like the other netns tests (multipe.cmake).
foreach(k 2 3)
  add_test(NAME netns.migration_storm_${k}_hosts
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/migrate_across_hosts.sh storm $<TARGET_FILE:mosexec>
                   $<TARGET_FILE:migration_storm> ${k})
  set_tests_properties(netns.migration_storm_${k}_hosts PROPERTIES TIMEOUT 180 LABELS "netns;migration"
                       SKIP_RETURN_CODE 77)
endforeach()
add_test(NAME netns.migration_storm_3_hosts_balanced
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/migrate_across_hosts.sh storm_balanced $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:migration_storm> 3)
set_tests_properties(netns.migration_storm_3_hosts_balanced PROPERTIES TIMEOUT 180 LABELS "netns;migration"
                     SKIP_RETURN_CODE 77)
add_test(NAME netns.migration_solver_2_hosts
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netns/migrate_across_hosts.sh solver $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:solver> 2)
set_tests_properties(netns.migration_solver_2_hosts PROPERTIES TIMEOUT 180 LABELS "netns;migration"
                     SKIP_RETURN_CODE 77)

# A bad interval is refused like any bad solver option (run_program_test.sh, "fails" mode).
add_test(NAME migration.solver.bad_interval
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_program_test.sh fails $<TARGET_FILE:mosexec> 3 2
                 "--migrate-every needs a valid value, got '0'" $<TARGET_FILE:solver> --migrate-every 0)
set_tests_properties(migration.solver.bad_interval PROPERTIES TIMEOUT 60 LABELS migration)
