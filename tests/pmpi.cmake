# The profiling interface (include/mosix/mpi.h's last section, lib/CMakeLists.txt's --defsym):
# every MPI_ call declared in mpi.h must also be declared and exported as PMPI_. The calls going
# through a program's own MPI_ functions are checked by tests/mpi/profiling.c.
set(_pmpi_check [=[hdr=$1 lib=$2
missing=0
for f in $(sed -n 's/^\(int\|double\|MPI_Aint\) \(MPI_[A-Za-z_]*\)(.*/\2/p' "$hdr"); do
    grep -q "^\(int\|double\|MPI_Aint\) P$f(" "$hdr" || { echo "mpi.h declares $f but not P$f"; missing=1; }
    nm -D --defined-only "$lib" | grep -q " P$f$" || { echo "the library does not export P$f"; missing=1; }
done
n=$(grep -c '^\(int\|double\|MPI_Aint\) MPI_' "$hdr")
echo "$n MPI_ calls checked for their PMPI_ names"
[ "$missing" -eq 0 ] && [ "$n" -gt 90 ]]=])
add_test(NAME pmpi.every_call_has_its_name
         COMMAND sh -c "${_pmpi_check}" sh ${PROJECT_SOURCE_DIR}/include/mosix/mpi.h $<TARGET_FILE:mosixcomm>)
set_tests_properties(pmpi.every_call_has_its_name PROPERTIES TIMEOUT 60)
