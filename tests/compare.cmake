# compare_test runs the real benchstore-run (--repeat) on tests/modules/timed_module and the real
# benchstore-compare.
if(TARGET compare_test)
  add_dependencies(compare_test benchstore-run benchstore-compare runner_test_timed_module)
  target_compile_definitions(compare_test PRIVATE
    RUNNER_TEST_MODULES_DIR="${PROJECT_BINARY_DIR}/tests/modules"
    RUNNER_EXE="$<TARGET_FILE:benchstore-run>"
    COMPARE_EXE="$<TARGET_FILE:benchstore-compare>")
endif()
