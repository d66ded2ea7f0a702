cmake_policy(VERSION 3.25)
# Lists the defined dynamic symbols of a library in a stable form: "name@@VERSION type [size]".
# Data objects keep their size (a component struct must stay 272 bytes); code addresses and sizes,
# which change from build to build, are dropped.
#
#   cmake -DLIBRARY=<so> -DNM=<nm> [-DGOLDEN=<file>] [-DWRITE=<file>] -P exported_symbols.cmake
# With GOLDEN, fails on any difference; with WRITE, writes the list (to refresh the golden file).
execute_process(
    COMMAND "${NM}" -D --defined-only -S --format=posix "${LIBRARY}"
    OUTPUT_VARIABLE nm_output
    RESULT_VARIABLE nm_result)
if(NOT nm_result EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()

string(REPLACE "\n" ";" nm_lines "${nm_output}")
set(symbols "")
foreach(line IN LISTS nm_lines)
    if(line STREQUAL "")
        continue()
    endif()
    string(REPLACE " " ";" fields "${line}")
    list(GET fields 0 name)
    list(GET fields 1 type)
    if(type STREQUAL "A")
        continue() # version nodes (V1.0, NATIVE_SNAPC_DATA): implied by the names
    endif()
    list(LENGTH fields field_count)
    if(type MATCHES "^[DdBbRrVv]$" AND field_count GREATER 3)
        list(GET fields 3 size_hex)
        math(EXPR size "0x${size_hex}" OUTPUT_FORMAT DECIMAL)
        list(APPEND symbols "${name} ${type} ${size}")
    else()
        list(APPEND symbols "${name} ${type}")
    endif()
endforeach()
list(SORT symbols)
list(JOIN symbols "\n" actual)
set(actual "${actual}\n")

if(DEFINED WRITE)
    file(WRITE "${WRITE}" "# Defined dynamic symbols of libnative_snapc.so (name@@version type [data size]).\n"
        "# Regenerate: cmake --build --preset default --target update_exports_golden, then review the diff.\n"
        "${actual}")
    message(STATUS "wrote ${WRITE}")
endif()
if(DEFINED GOLDEN)
    file(READ "${GOLDEN}" golden_text)
    # The golden file may carry comment lines.
    string(REGEX REPLACE "#[^\n]*\n" "" expected "${golden_text}")
    if(NOT expected STREQUAL actual)
        message(FATAL_ERROR "exported symbols of ${LIBRARY} differ from ${GOLDEN}\n--- expected ---\n${expected}--- actual ---\n${actual}")
    endif()
    message(STATUS "exported symbols match ${GOLDEN}:\n${actual}")
endif()
