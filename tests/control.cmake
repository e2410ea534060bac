# Operator control of running jobs: mosctl, and mosexec's control socket (launcher/control_socket.hpp).
# Whole-job checks are modes of tests/control/control_test.sh; the last one, migrate_running_job,
# needs live migration (runtime/migration.hpp).
set(_control_sh ${CMAKE_CURRENT_SOURCE_DIR}/control/control_test.sh)
set(_mosctl $<TARGET_FILE:mosctl>)
set(_mosexec $<TARGET_FILE:mosexec>)
mosix_test_program(controltest control/rank_moves.c control)
mosix_test_program(controltest control/drain_work.c control)
set(_mosmon $<TARGET_FILE:mosmon>)

# expect_status regex command...: tests/expect_status.sh.
set(_control_check ${CMAKE_CURRENT_SOURCE_DIR}/expect_status.sh)
function(mosix_mosctl_test name expect_status regex)
  add_test(NAME control.mosctl_${name} COMMAND sh ${_control_check} ${expect_status} ${regex} ${ARGN})
  set_tests_properties(control.mosctl_${name} PROPERTIES TIMEOUT 60)
endfunction()

# The command line: usage errors are one line and exit status 2, before any job is looked for.
mosix_mosctl_test(help 0 "^Usage: mosctl" ${_mosctl} --help)
mosix_mosctl_test(migrate_help 0 "^Usage: mosctl" ${_mosctl} migrate --help)
mosix_mosctl_test(version 0 "^mosctl (mosix) " ${_mosctl} --version)
mosix_mosctl_test(no_command 2 "^mosctl: missing command (list, show, migrate, drain, undrain, checkpoint or stop) (see mosctl --help)$" ${_mosctl})
mosix_mosctl_test(unknown_command 2 "^mosctl: unknown command 'frobnicate'" ${_mosctl} frobnicate)
mosix_mosctl_test(unknown_option 2 "^mosctl: unknown option '--bogus'" ${_mosctl} --bogus list)
mosix_mosctl_test(unknown_short_option 2 "^mosctl: unknown option '-x'" ${_mosctl} migrate -x 1 2)
mosix_mosctl_test(job_no_value 2 "^mosctl: option --job needs a value" ${_mosctl} migrate 1 2 --job)
mosix_mosctl_test(job_not_number 2 "^mosctl: --job needs a job id (a number from mosctl list), got 'abc'"
                  ${_mosctl} migrate --job abc 1 2)
mosix_mosctl_test(job_zero 2 "^mosctl: --job needs a job id" ${_mosctl} --job 0 migrate 1 2)
mosix_mosctl_test(migrate_no_args 2 "^mosctl: migrate needs RANK and PE, got 0 arguments" ${_mosctl} migrate)
mosix_mosctl_test(migrate_one_arg 2 "^mosctl: migrate needs RANK and PE, got 1 argument " ${_mosctl} migrate 3)
mosix_mosctl_test(migrate_three_args 2 "^mosctl: migrate needs RANK and PE, got 3 arguments" ${_mosctl} migrate 3 1 4)
mosix_mosctl_test(migrate_bad_rank 2 "^mosctl: migrate: RANK must be a number from 0, got 'three'"
                  ${_mosctl} migrate three 1)
mosix_mosctl_test(checkpoint_args 2 "^mosctl: checkpoint takes no arguments, got 1" ${_mosctl} checkpoint now)
mosix_mosctl_test(migrate_bad_pe 2 "^mosctl: migrate: PE must be a number from 0, got '1x'" ${_mosctl} migrate 3 1x)
mosix_mosctl_test(migrate_negative_pe 2 "^mosctl: unknown option '-1'" ${_mosctl} migrate 3 -1)
mosix_mosctl_test(list_args 2 "^mosctl: list takes no arguments, got 'x'" ${_mosctl} list x)
mosix_mosctl_test(list_job 2 "^mosctl: list shows every job: --job does not apply" ${_mosctl} list --job 5)
mosix_mosctl_test(show_args 2 "^mosctl: show takes no arguments, got 1" ${_mosctl} show 3)
mosix_mosctl_test(drain_no_args 2 "^mosctl: drain needs one PE or HOST, got 0 arguments" ${_mosctl} drain)
mosix_mosctl_test(undrain_two_args 2 "^mosctl: undrain needs one PE or HOST, got 2 arguments" ${_mosctl} undrain 1 2)
mosix_mosctl_test(stop_args 2 "^mosctl: stop takes no arguments, got 1" ${_mosctl} stop now)
mosix_mosctl_test(drain_no_job 1 "^mosctl: no running job"
                  env MOSIX_CONTROL_DIR=${CMAKE_CURRENT_BINARY_DIR}/control/no-jobs ${_mosctl} drain 1)
# mosmon's command line, the same way.
mosix_mosctl_test(mosmon_help 0 "^Usage: mosmon" ${_mosmon} --help)
mosix_mosctl_test(mosmon_bad_view 2 "^mosmon: --view must be pes, hosts or ranks, got 'x'" ${_mosmon} --view x)
mosix_mosctl_test(mosmon_bad_delay 2 "^mosmon: --delay needs seconds from 0.1 to 60, got '0'" ${_mosmon} -d 0)
mosix_mosctl_test(mosmon_width_live 2 "^mosmon: --width applies to --plain only" ${_mosmon} --width 80)
mosix_mosctl_test(mosmon_no_job 1 "^mosmon: no running job"
                  env MOSIX_CONTROL_DIR=${CMAKE_CURRENT_BINARY_DIR}/control/no-jobs ${_mosmon} --plain)
# No such job: exit status 1 (an empty socket directory of its own keeps other jobs out).
mosix_mosctl_test(job_not_found 1 "^mosctl: no job 999999999 (no socket "
                  env MOSIX_CONTROL_DIR=${CMAKE_CURRENT_BINARY_DIR}/control/no-jobs ${_mosctl} migrate --job 999999999 1 0)
mosix_mosctl_test(no_running_job 1 "^mosctl: no running job (no job sockets in "
                  env MOSIX_CONTROL_DIR=${CMAKE_CURRENT_BINARY_DIR}/control/no-jobs ${_mosctl} migrate 1 0)

function(mosix_control_test name)
  add_test(NAME control.${name} COMMAND sh ${_control_sh} ${ARGN})
  set_tests_properties(control.${name} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
endfunction()

mosix_control_test(dir_mode dir_mode ${_mosexec} ${_mosctl})
mosix_control_test(unsafe_dir unsafe_dir ${_mosexec})
mosix_control_test(other_user_refused other_user ${_mosexec} ${_mosctl})
foreach(sig TERM INT HUP QUIT USR1)
  mosix_control_test(socket_removed_${sig} cleanup ${sig} 1 ${_mosexec})
endforeach()
foreach(sig TERM QUIT)
  mosix_control_test(socket_removed_${sig}_pes2 cleanup ${sig} 2 ${_mosexec})
endforeach()
mosix_control_test(list list ${_mosexec} ${_mosctl})
mosix_control_test(migrate_errors errors ${_mosexec} ${_mosctl})
mosix_control_test(command_reaches_pe reaches 1 ${_mosexec} ${_mosctl})
mosix_control_test(command_reaches_pe_pes2 reaches 2 ${_mosexec} ${_mosctl})
# Ranks cannot move in the sanitizer build (AddressSanitizer owns malloc: rank memory is not in
# the slots), so there the operator's request is only checked to be accepted (migrate_errors).
if(NOT MOSIX_SANITIZE)
  mosix_control_test(migrate_running_job migrate ${_mosexec} ${_mosctl} $<TARGET_FILE:controltest_rank_moves>)
endif()

# Issue 8: the live monitor in a real terminal (tmux), mosctl drain, and the run report.
mosix_control_test(mosmon_terminal mosmon ${_mosexec} ${_mosctl} ${_mosmon} $<TARGET_FILE:solver>)
set(_check_report ${CMAKE_CURRENT_SOURCE_DIR}/control/check_report.py)
if(NOT MOSIX_SANITIZE)
  mosix_control_test(drain_pe drain ${_mosexec} ${_mosctl} $<TARGET_FILE:controltest_drain_work>)
  mosix_control_test(report_matches_run report 1 ${_mosexec} ${_mosctl} $<TARGET_FILE:controltest_rank_moves>
                     ${_check_report})
else()
  mosix_control_test(report_matches_run report 0 ${_mosexec} ${_mosctl} $<TARGET_FILE:controltest_rank_moves>
                     ${_check_report})
endif()
