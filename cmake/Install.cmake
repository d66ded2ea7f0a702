# Installation: the command (bin/native-snapc), the library under its SONAME scheme, its POSIX helper beside it, the MCA component
# links, the headers, a CMake package and a pkg-config file.
include(CMakePackageConfigHelpers)

set(NATIVE_SNAPC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/NativeSnapc" CACHE STRING
    "Install directory of the CMake package files, relative to the prefix")
set(_real_name "libnative_snapc.so.${PROJECT_VERSION}")

install(FILES "${NATIVE_SNAPC_LIBRARY}"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RENAME "${_real_name}"
    PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# Found through the library's RUNPATH ($ORIGIN), whatever the host's working directory.
install(FILES "${NATIVE_SNAPC_POSIX_HELPER}"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Links: the SONAME, the development name, and the names the MCA loader looks for. They are made in the
# build tree and installed as links (install(FILES) keeps a symbolic link a link), so install_manifest.txt
# lists them and an uninstall removes them.
file(RELATIVE_PATH _component_to_libdir
    "/${NATIVE_SNAPC_MCA_COMPONENT_DIR}" "/${CMAKE_INSTALL_LIBDIR}/${NATIVE_SNAPC_SONAME}")
set(_links "${PROJECT_BINARY_DIR}/install-links")
file(MAKE_DIRECTORY "${_links}/lib" "${_links}/mca")
file(CREATE_LINK "${_real_name}" "${_links}/lib/${NATIVE_SNAPC_SONAME}" SYMBOLIC)
file(CREATE_LINK "${NATIVE_SNAPC_SONAME}" "${_links}/lib/libnative_snapc.so" SYMBOLIC)
install(FILES "${_links}/lib/${NATIVE_SNAPC_SONAME}" "${_links}/lib/libnative_snapc.so"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}")
foreach(_component mca_snapc_full.so mca_crs_self.so)
    file(CREATE_LINK "${_component_to_libdir}" "${_links}/mca/${_component}" SYMBOLIC)
    install(FILES "${_links}/mca/${_component}" DESTINATION "${NATIVE_SNAPC_MCA_COMPONENT_DIR}")
endforeach()

install(DIRECTORY include/native_snapc DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# The MPI profiling layer (libnative_snapc_mpi.so.0.1.0 with its two links), RUNPATH $ORIGIN.
install(TARGETS native_snapc_mpi LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" NAMELINK_COMPONENT Unspecified)

# The command; `native-snapc run` finds the activation library as ../lib/libnative_snapc_mpi.so from here.
install(PROGRAMS "${NATIVE_SNAPC_COMMAND}" DESTINATION "${CMAKE_INSTALL_BINDIR}")

configure_package_config_file(cmake/NativeSnapcConfig.cmake.in
    "${PROJECT_BINARY_DIR}/NativeSnapcConfig.cmake"
    INSTALL_DESTINATION "${NATIVE_SNAPC_INSTALL_CMAKEDIR}"
    PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR NATIVE_SNAPC_MCA_COMPONENT_DIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/NativeSnapcConfigVersion.cmake"
    COMPATIBILITY SameMajorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/NativeSnapcConfig.cmake"
    "${PROJECT_BINARY_DIR}/NativeSnapcConfigVersion.cmake"
    DESTINATION "${NATIVE_SNAPC_INSTALL_CMAKEDIR}")

# Relocatable: the prefix is found from the .pc file's own directory.
file(RELATIVE_PATH NATIVE_SNAPC_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" NATIVE_SNAPC_PC_TO_PREFIX "${NATIVE_SNAPC_PC_TO_PREFIX}")
configure_file(cmake/native_snapc.pc.in "${PROJECT_BINARY_DIR}/native_snapc.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/native_snapc.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
