# Helper programs for the sync fault tests (tests/sync_*_test.cpp run them as separate processes).
add_executable(sync_test_writer "${CMAKE_CURRENT_SOURCE_DIR}/sync/sync_test_writer.cpp")
target_link_libraries(sync_test_writer PRIVATE benchstore benchstore_warnings)
foreach(t sync_basic_test sync_fault_test sync_paths_test sync_deadline_test progress_line_test held_rows_test)
  if(TARGET ${t})
    add_dependencies(${t} benchstore-sync sync_test_writer)
  endif()
endforeach()
