# import_test runs the real benchstore-import and benchstore-compare on the output of a real Google
# Benchmark program (Debian's libbenchmark-dev) and of a real pytest-benchmark session (Debian's
# python3-pytest-benchmark, run by Debian's python3).
if(TARGET import_test)
  find_package(benchmark REQUIRED)  # libbenchmark-dev -> benchmark::benchmark
  add_executable(import_test_gb_program "${CMAKE_CURRENT_LIST_DIR}/import/gb_program.cpp")
  target_link_libraries(import_test_gb_program PRIVATE benchmark::benchmark)
  add_dependencies(import_test benchstore-import benchstore-compare import_test_gb_program)
  target_compile_definitions(import_test PRIVATE
    IMPORT_EXE="$<TARGET_FILE:benchstore-import>"
    COMPARE_EXE="$<TARGET_FILE:benchstore-compare>"
    GB_PROGRAM="$<TARGET_FILE:import_test_gb_program>"
    PYTEST_SESSION="${CMAKE_CURRENT_LIST_DIR}/import/test_pytest_session.py"
    IMPORT_TEST_DATA="${CMAKE_CURRENT_LIST_DIR}/data/import")
endif()
# merge_sync_test merges stores with the real benchstore-import and syncs them with the real benchstore-sync.
if(TARGET merge_sync_test)
  add_dependencies(merge_sync_test benchstore-import benchstore-sync sync_test_writer)
  target_compile_definitions(merge_sync_test PRIVATE IMPORT_EXE="$<TARGET_FILE:benchstore-import>")
endif()
