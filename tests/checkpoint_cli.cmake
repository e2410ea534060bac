# mosexec's checkpoint/restart flags (--checkpoint-dir, --checkpoint-keep, --restart): bad values
# refused with one line and status 2, and good ones turned into the PEs' MOSIX_CHECKPOINT_DIR,
# MOSIX_CHECKPOINT_KEEP and MOSIX_RESTART (on every host: through mpirun's -x too). Nothing here
# checkpoints a job; make_checkpoint writes a valid checkpoint with the runtime's own writer.
#
#   checkpoint_cli.setup   fresh checkpoint_cli/ in the build tree: empty/ (a directory with no
#                          checkpoint), root/ with ckpt-00000001 and ckpt-00000002, 4 ranks each,
#                          and corrupt/ whose only checkpoint has a damaged manifest

add_executable(checkpoint_cli_make_checkpoint checkpoint/make_checkpoint.cc
                                              ${PROJECT_SOURCE_DIR}/runtime/checkpoint_format.cc)
target_include_directories(checkpoint_cli_make_checkpoint PRIVATE ${PROJECT_SOURCE_DIR})
set_target_properties(checkpoint_cli_make_checkpoint PROPERTIES OUTPUT_NAME make_checkpoint
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/checkpoint)

set(_ckpt_cli ${CMAKE_CURRENT_BINARY_DIR}/checkpoint_cli)
add_test(NAME checkpoint_cli.setup
         COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1/empty\" && \"$2\" \"$1/root\" 1 && \"$2\" \"$1/root\" 2 \
                        && \"$2\" \"$1/corrupt\" 1 && echo x >> \"$1/corrupt/ckpt-00000001/manifest\""
                 sh ${_ckpt_cli} $<TARGET_FILE:checkpoint_cli_make_checkpoint>)
set_tests_properties(checkpoint_cli.setup PROPERTIES TIMEOUT 30 LABELS checkpoint FIXTURES_SETUP checkpoint_cli)

# expect_status regex command...: tests/expect_status.sh, run in checkpoint_cli/.
set(_ckpt_check ${CMAKE_CURRENT_SOURCE_DIR}/expect_status.sh)
function(mosix_checkpoint_cli_test name expect_status regex)
  add_test(NAME checkpoint_cli.${name} COMMAND sh ${_ckpt_check} ${expect_status} ${regex} ${ARGN}
           WORKING_DIRECTORY ${_ckpt_cli})
  set_tests_properties(checkpoint_cli.${name} PROPERTIES TIMEOUT 60 LABELS checkpoint
                       FIXTURES_REQUIRED checkpoint_cli)
endfunction()

set(_mosexec $<TARGET_FILE:mosexec>)

# --checkpoint-keep: a count from 1 to 1000.
foreach(bad 0 abc 1001 -1)
  mosix_checkpoint_cli_test(keep_bad_${bad} 2
                            "^mosexec: --checkpoint-keep needs a count between 1 and 1000, got '${bad}'"
                            ${_mosexec} --checkpoint-keep ${bad} -n 2 true)
endforeach()
mosix_checkpoint_cli_test(keep_sets_env 0 " MOSIX_CHECKPOINT_KEEP=7 "
                          ${_mosexec} --checkpoint-keep 7 -n 2 --pes 1 --dry-run /bin/true)

# --checkpoint-dir: made absolute and created like mkdir -p; anything else is refused.
mosix_checkpoint_cli_test(dir_created 0 " MOSIX_CHECKPOINT_DIR=${_ckpt_cli}/made/deeper "
                          ${_mosexec} --checkpoint-dir ./made/./deeper/ -n 2 --pes 1 --dry-run /bin/true)
mosix_checkpoint_cli_test(dir_not_a_directory 2 "^mosexec: --checkpoint-dir '/dev/null' is not a directory"
                          ${_mosexec} --checkpoint-dir /dev/null -n 2 true)
mosix_checkpoint_cli_test(dir_cannot_create 2 "^mosexec: --checkpoint-dir '/dev/null/sub' cannot be created: "
                          ${_mosexec} --checkpoint-dir /dev/null/sub -n 2 true)
mosix_checkpoint_cli_test(dir_empty 2 "^mosexec: --checkpoint-dir needs a path, got ''"
                          ${_mosexec} --checkpoint-dir= -n 2 true)

# --restart: the checkpoint must be there and readable, and gives -n.
mosix_checkpoint_cli_test(restart_missing 2 "^mosexec: cannot restart from /nonexistent: "
                          ${_mosexec} --restart /nonexistent true)
mosix_checkpoint_cli_test(restart_no_checkpoint 2
                          "^mosexec: cannot restart from empty: .*/empty: holds no complete checkpoint"
                          ${_mosexec} --restart empty true)
mosix_checkpoint_cli_test(restart_corrupt 2 "^mosexec: cannot restart from corrupt: checkpoint .*/corrupt/ckpt-00000001: "
                          ${_mosexec} --restart corrupt true)
mosix_checkpoint_cli_test(restart_ranks_mismatch 2
                          "^mosexec: --restart root: the checkpoint holds 4 ranks, -n asked for 3"
                          ${_mosexec} --restart root -n 3 true)
mosix_checkpoint_cli_test(restart_no_program 2 "^mosexec: no program given: --restart needs the program"
                          ${_mosexec} --restart root)
# A root: -n from the newest checkpoint's manifest, the PEs are told exactly that checkpoint, and
# the job goes on checkpointing into the root.
mosix_checkpoint_cli_test(restart_takes_ranks 0
                          "^MOSIX_NRANKS=4 MOSIX_PES=1 MOSIX_CHECKPOINT_DIR=${_ckpt_cli}/root MOSIX_RESTART=${_ckpt_cli}/root/ckpt-00000002 "
                          ${_mosexec} --restart root --pes 1 --dry-run /bin/true)
mosix_checkpoint_cli_test(restart_same_ranks 0 "^MOSIX_NRANKS=4 .* MOSIX_RESTART=${_ckpt_cli}/root/ckpt-00000002 "
                          ${_mosexec} -n 4 --restart root --pes 1 --dry-run /bin/true)
# One checkpoint by name: its directory is the root.
mosix_checkpoint_cli_test(restart_one_checkpoint 0
                          " MOSIX_CHECKPOINT_DIR=${_ckpt_cli}/root MOSIX_RESTART=${_ckpt_cli}/root/ckpt-00000001 "
                          ${_mosexec} --restart root/ckpt-00000001 --pes 1 --dry-run /bin/true)
mosix_checkpoint_cli_test(restart_keeps_given_dir 0 " MOSIX_CHECKPOINT_DIR=${_ckpt_cli}/elsewhere MOSIX_RESTART="
                          ${_mosexec} --restart root --checkpoint-dir elsewhere --pes 1 --dry-run /bin/true)
# Through mpirun, as to other hosts: named with -x, and seen by a PE other than mosexec's own.
mosix_checkpoint_cli_test(restart_forwarded 0 " -x MOSIX_CHECKPOINT_DIR .*-x MOSIX_CHECKPOINT_KEEP .*-x MOSIX_RESTART "
                          ${_mosexec} --restart root --checkpoint-keep 3 --pes 2 --dry-run /bin/true)
mosix_checkpoint_cli_test(restart_reaches_pes 0 "^\\[pe 1\\] MOSIX_RESTART=${_ckpt_cli}/root/ckpt-00000002$"
                          ${_mosexec} --restart root --pes 2 --tag-output env)

# Requested and compressed checkpoints, recovery: values checked before anything runs.
mosix_checkpoint_cli_test(every_bad_unit 2 "^mosexec: --checkpoint-every needs a time like 90, 30s, 10m or 2h"
                          ${_mosexec} -n 2 --checkpoint-dir dir --checkpoint-every 5x true)
mosix_checkpoint_cli_test(every_too_short 2 "^mosexec: --checkpoint-every needs a time"
                          ${_mosexec} -n 2 --checkpoint-dir dir --checkpoint-every 0.5 true)
mosix_checkpoint_cli_test(every_needs_dir 2 "^mosexec: --checkpoint-every needs --checkpoint-dir"
                          ${_mosexec} -n 2 --checkpoint-every 10m true)
mosix_checkpoint_cli_test(every_sets_env 0 " MOSIX_CHECKPOINT_EVERY=600"
                          ${_mosexec} -n 2 --checkpoint-dir dir --checkpoint-every 10m --dry-run true)
mosix_checkpoint_cli_test(compress_bad_level 2 "^mosexec: --checkpoint-compress needs a zstd level between 1 and 19, got '20'"
                          ${_mosexec} -n 2 --checkpoint-dir dir --checkpoint-compress=20 true)
mosix_checkpoint_cli_test(compress_sets_env 0 " MOSIX_CHECKPOINT_COMPRESS=zstd:1 "
                          ${_mosexec} -n 2 --checkpoint-dir dir --checkpoint-compress --dry-run true)
mosix_checkpoint_cli_test(recovery_bad_count 2 "^mosexec: --restart-on-failure needs a count between 1 and 100, got '0'"
                          ${_mosexec} -n 2 --checkpoint-dir dir --restart-on-failure=0 true)
mosix_checkpoint_cli_test(recovery_needs_dir 2 "^mosexec: --restart-on-failure needs --checkpoint-dir"
                          ${_mosexec} -n 2 --restart-on-failure true)
