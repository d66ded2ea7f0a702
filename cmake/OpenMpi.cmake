# Open MPI 4.1 as installed by Debian's libopenmpi-dev: the oracle of the tests and the host of the
# reference runtime and the demo. Real headers, libopen-pal, libopen-rte, libmpi, and Open MPI's own
# component directory (where mca_crs_none.so lives).
find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENMPI_ORTE REQUIRED IMPORTED_TARGET orte>=4.1)
pkg_check_modules(OPENMPI_OMPI_C REQUIRED IMPORTED_TARGET ompi-c>=4.1)
find_library(OPEN_PAL_LIBRARY NAMES open-pal PATHS ${OPENMPI_ORTE_LIBRARY_DIRS} REQUIRED)

# libopen-rte and libopen-pal with the internal headers (opal_config.h, orte/..., opal/...).
add_library(openmpi_runtime INTERFACE)
target_link_libraries(openmpi_runtime INTERFACE PkgConfig::OPENMPI_ORTE "${OPEN_PAL_LIBRARY}")

find_file(OPENMPI_CRS_NONE_COMPONENT mca_crs_none.so
    PATHS ${OPENMPI_ORTE_LIBRARY_DIRS} PATH_SUFFIXES openmpi3 openmpi NO_DEFAULT_PATH REQUIRED)
get_filename_component(OPENMPI_COMPONENT_DIR "${OPENMPI_CRS_NONE_COMPONENT}" DIRECTORY)

find_program(MPIRUN_EXECUTABLE mpirun REQUIRED)
