# package.cmake — what `cmake --install` puts where, and how other projects find it:
#   bin/      mosexec, mosctl, mosmon, mosixcc, mosixcxx
#   lib/      libmosixcomm.so*, libmosix_main.a, cmake/mosix/ (find_package(mosix)), pkgconfig/mosix.pc
#   include/mosix/  mpi.h, mosix.h, mosix.hpp
# A user's CMake project: find_package(mosix) and target_link_libraries(app PRIVATE mosix::mpi).
include(CMakePackageConfigHelpers)

set(MOSIX_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/mosix")

# Exported names: mosix::comm (the library alone) and mosix::mpi (a whole MPI program: the library,
# libmosix_main.a and -Wl,--wrap=main). mosix::main is only there because mosix::mpi needs it.
set_target_properties(mosixcomm PROPERTIES EXPORT_NAME comm)
set_target_properties(mosix_main PROPERTIES EXPORT_NAME main)
set_target_properties(mosix_mpi PROPERTIES EXPORT_NAME mpi)

install(TARGETS mosixcomm mosix_main mosix_mpi
        EXPORT mosixTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT mosixTargets NAMESPACE mosix:: DESTINATION ${MOSIX_CMAKE_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/mosixConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mosixConfig.cmake
                              INSTALL_DESTINATION ${MOSIX_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mosixConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mosixConfig.cmake ${PROJECT_BINARY_DIR}/mosixConfigVersion.cmake
        DESTINATION ${MOSIX_CMAKE_DIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mosix/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mosix
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

# pkg-config paths are relative to ${pcfiledir}, so the file stays right wherever the tree is moved.
file(RELATIVE_PATH MOSIX_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" MOSIX_PC_TO_PREFIX "${MOSIX_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/mosix.pc.in ${PROJECT_BINARY_DIR}/mosix.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mosix.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(TARGETS mosexec mosctl mosmon RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The installed variants of the compiler wrappers (launcher/CMakeLists.txt generates them).
install(PROGRAMS ${MOSIX_WRAPPER_SCRIPTS} DESTINATION ${CMAKE_INSTALL_BINDIR})
