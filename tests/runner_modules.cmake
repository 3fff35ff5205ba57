# Modules that misbehave on purpose, for runner_test: tests/modules/<name>.cpp becomes
# ${PROJECT_BINARY_DIR}/tests/modules/<name>.so. runner_test and runner_signals_test run the real
# benchstore-run on them.
file(GLOB runner_test_module_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/modules/*.cpp")
foreach(src IN LISTS runner_test_module_sources)
  get_filename_component(name "${src}" NAME_WE)
  add_library(runner_test_${name} MODULE "${src}")
  target_link_libraries(runner_test_${name} PRIVATE benchstore)
  set_target_properties(runner_test_${name} PROPERTIES
    PREFIX "" OUTPUT_NAME "${name}"
    CXX_VISIBILITY_PRESET hidden
    LIBRARY_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/tests/modules")
  foreach(test IN ITEMS runner_test runner_signals_test)
    if(TARGET ${test})
      add_dependencies(${test} runner_test_${name})
    endif()
  endforeach()
endforeach()
foreach(test IN ITEMS runner_test runner_signals_test)
  if(TARGET ${test})
    add_dependencies(${test} benchstore-run benchstore-export)
    target_compile_definitions(${test} PRIVATE
      RUNNER_TEST_MODULES_DIR="${PROJECT_BINARY_DIR}/tests/modules"
      RUNNER_EXE="$<TARGET_FILE:benchstore-run>")
  endif()
endforeach()
