# Runs dss_oracle with two requests and checks the answers (ctest -R dss_oracle_smoke).
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/dss_oracle_smoke.in"
    "P 0 uint8:8 int:3\nU 0 0000000108000000010900000003 uint8:1 int:1 int:1\nQ\n")
execute_process(
    COMMAND "${ORACLE}"
    INPUT_FILE "${CMAKE_CURRENT_BINARY_DIR}/dss_oracle_smoke.in"
    OUTPUT_VARIABLE out
    RESULT_VARIABLE rc
    TIMEOUT 60)
set(expected "READY\n0000000108000000010900000003 0 0\nR 0/1/5/8 0/1/14/3 -26/0/14/\n")
if(NOT rc EQUAL 0 OR NOT out STREQUAL expected)
    message(FATAL_ERROR "dss_oracle: exit ${rc}, output:\n${out}\nexpected:\n${expected}")
endif()
