# A clean install into a scratch prefix:  cmake -DBUILD_DIR=<build> -DSTAGE=<prefix> -P stage_install.cmake
cmake_policy(VERSION 3.25)
file(REMOVE_RECURSE "${STAGE}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${STAGE}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${STAGE} failed")
endif()
