# Where PEs run: bound by runtime/topology.hpp's rule inside a real job, and reported the same way by
# `mosexec --topology` (tests/topology/check_topology.sh; it skips the --topology checks, exit 77,
# while mosexec is built without the flag).
mosix_test_program(topotest topology/pe_binding.c topology)
add_test(NAME multipe.topology
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/topology/check_topology.sh $<TARGET_FILE:mosexec>
                 $<TARGET_FILE:topotest_pe_binding>)
set_tests_properties(multipe.topology PROPERTIES TIMEOUT 120 LABELS multipe SKIP_RETURN_CODE 77)
