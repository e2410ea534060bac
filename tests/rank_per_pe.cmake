# One rank per PE for programs with mutable globals (issue 7): tests/rank_per_pe/globals.c keeps a
# global counter, a global table each rank fills with its own data and a global pointer to its
# heap, and checks them after every yield point. Label "rank_per_pe".
#
#   rank_per_pe.shared_mode_wrong   plain mosexec, 4 ranks on 2 PEs: the ranks of a PE share the
#                                   globals, and the program must say WRONG (the documented limit)
#   rank_per_pe.globals.n4          --rank-per-pe: 4 PEs for 4 ranks, every rank keeps its globals
#   rank_per_pe.migrate.n3p5        3 ranks on 5 PEs, a move every round to a free PE, the globals
#                                   checked after each; a move onto an occupied PE is refused
#   rank_per_pe.mosctl              mosctl migrate onto an occupied PE is refused, onto a free one done
#   rank_per_pe.checkpoint          checkpoint in the middle, restart on more PEs: same checksum;
#                                   a restart without --rank-per-pe is refused with a message
#   rank_per_pe.flags.*             bad combinations of flags are refused (exit 2, one line)
#   netns.rank_per_pe_2_hosts       the migrating run with PEs on two stand-in hosts (root only)
mosix_test_program(rank_per_pe ${CMAKE_CURRENT_SOURCE_DIR}/rank_per_pe/globals.c rank_per_pe)

function(mosix_rank_per_pe_test name status regex)
  add_test(NAME rank_per_pe.${name}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/expect_status.sh ${status} ${regex} timeout -k 5 90 ${ARGN})
  set_tests_properties(rank_per_pe.${name} PROPERTIES TIMEOUT 120 LABELS rank_per_pe)
endfunction()

set(_globals $<TARGET_FILE:rank_per_pe_globals>)
set(_mosexec $<TARGET_FILE:mosexec>)
mosix_rank_per_pe_test(shared_mode_wrong 1 "^globals WRONG: [1-4] of 4 ranks" ${_mosexec} -n 4 --pes 2 ${_globals})
mosix_rank_per_pe_test(globals.n4 0 "^globals ok: 4 ranks, 20 rounds, 0 migrations" ${_mosexec} --rank-per-pe -n 4
                       ${_globals})
mosix_rank_per_pe_test(flags.too_few_pes 2 "--rank-per-pe needs at least one PE per rank: --pes 2 is fewer than"
                       ${_mosexec} --rank-per-pe -n 4 --pes 2 ${_globals})
mosix_rank_per_pe_test(flags.spare_pes_need_the_mode 2 "--pes 5 is more than the 3 ranks (spare PEs only with --rank-per-pe)"
                       ${_mosexec} -n 3 --pes 5 ${_globals})
mosix_rank_per_pe_test(flags.bad_environment 2 "MOSIX_RANK_PER_PE needs 0 or 1, got 'yes'"
                       env MOSIX_RANK_PER_PE=yes ${_mosexec} -n 2 ${_globals})
mosix_rank_per_pe_test(flags.runtime_without_enough_pes 2 "needs at least as many PEs as ranks: 3 ranks, 1 PEs"
                       env MOSIX_RANK_PER_PE=1 MOSIX_NRANKS=3 ${_globals})

# Moves need rank memory in the slots: not in the sanitizer build (see tests/migration.cmake).
if(MOSIX_SANITIZE)
  return()
endif()
mosix_rank_per_pe_test(migrate.n3p5 0 "^globals ok: 3 ranks, 30 rounds, 30 migrations" ${_mosexec} --rank-per-pe -n 3
                       --pes 5 ${_globals} --rounds 30 --migrate --collide)
add_test(NAME rank_per_pe.checkpoint
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/rank_per_pe/checkpoint.sh ${_mosexec} ${_globals})
set_tests_properties(rank_per_pe.checkpoint PROPERTIES TIMEOUT 180 LABELS rank_per_pe)
add_test(NAME rank_per_pe.mosctl
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/rank_per_pe/mosctl.sh ${_mosexec} $<TARGET_FILE:mosctl>
                 $<TARGET_FILE:controltest_rank_moves>)
set_tests_properties(rank_per_pe.mosctl PROPERTIES TIMEOUT 120 LABELS rank_per_pe)
add_test(NAME netns.rank_per_pe_2_hosts
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/rank_per_pe/across_hosts.sh ${_mosexec} ${_globals})
set_tests_properties(netns.rank_per_pe_2_hosts PROPERTIES TIMEOUT 180 LABELS "netns;rank_per_pe"
                     SKIP_RETURN_CODE 77)
