# Helper programs for the recorder tests (run as child processes by tests/metrics_recorder_test.cpp).
add_executable(record_until_killed "${CMAKE_CURRENT_SOURCE_DIR}/programs/record_until_killed.cpp")
target_link_libraries(record_until_killed PRIVATE benchstore benchstore_warnings)
