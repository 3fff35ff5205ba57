# compare_test runs the real benchstore-run (--repeat) on tests/modules/timed_module and the real
# benchstore-compare; compare_statistics_test shares its fixture (support/compare_fixture.hpp).
foreach(t IN ITEMS compare_test compare_statistics_test)
  if(TARGET ${t})
    add_dependencies(${t} benchstore-run benchstore-compare runner_test_timed_module)
    target_compile_definitions(${t} PRIVATE
      RUNNER_TEST_MODULES_DIR="${PROJECT_BINARY_DIR}/tests/modules"
      RUNNER_EXE="$<TARGET_FILE:benchstore-run>"
      COMPARE_EXE="$<TARGET_FILE:benchstore-compare>")
  endif()
endforeach()
