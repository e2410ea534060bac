# Every MPI-3.1 name exists (scripts/gen-mpi-unsupported.py): tests/mpi_names.c takes the address
# of each MPI_ and PMPI_ function; that it links against libmosixcomm is the test, and it runs.
mosix_test_program(names ${CMAKE_CURRENT_SOURCE_DIR}/mpi_names.c names)
add_test(NAME names.every_mpi31_function_links
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_program_test.sh expect $<TARGET_FILE:mosexec> 1
                 "^[0-9]+ MPI-3.1 names, 0 missing$" $<TARGET_FILE:names_mpi_names>)
set_tests_properties(names.every_mpi31_function_links PROPERTIES TIMEOUT 60)
