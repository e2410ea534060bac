# The profiling interface (the PMPI_ declarations in include/mosix/mpi*.h, lib/CMakeLists.txt's
# --defsym): every MPI_ call declared in mpi.h or its parts must also be declared and exported as
# PMPI_. The calls going through a program's own MPI_ functions are checked by tests/mpi/profiling.c.
set(_pmpi_check [=[lib=$1; shift
missing=0
exports=$(nm -D --defined-only "$lib" | awk '{ print $3 }')  # once: the loop below runs ~400 times
protos='^\(int\|double\|MPI_[A-Za-z]*\) '
for f in $(sed -n "s/$protos\(MPI_[A-Za-z0-9_]*\)(.*/\2/p" "$@" | sort -u); do
    grep -q "${protos}P$f(" "$@" || { echo "mpi.h declares $f but not P$f"; missing=1; }
    printf '%s\n' "$exports" | grep -qx "P$f" || { echo "the library does not export P$f"; missing=1; }
done
n=$(sed -n "s/$protos\(MPI_[A-Za-z0-9_]*\)(.*/\2/p" "$@" | sort -u | wc -l)
echo "$n MPI_ calls checked for their PMPI_ names"
[ "$missing" -eq 0 ] && [ "$n" -gt 90 ]]=])
file(GLOB _pmpi_headers ${PROJECT_SOURCE_DIR}/include/mosix/mpi*.h)
add_test(NAME pmpi.every_call_has_its_name
         COMMAND sh -c "${_pmpi_check}" sh $<TARGET_FILE:mosixcomm> ${_pmpi_headers})
set_tests_properties(pmpi.every_call_has_its_name PROPERTIES TIMEOUT 60)
