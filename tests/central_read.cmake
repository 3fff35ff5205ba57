# compare and report over the central PostgreSQL: the test runs the real tools against its own
# throwaway server (tests/support/postgres_server.hpp) and loads the server's report in Chromium.
if(TARGET central_read_test)
  add_dependencies(central_read_test benchstore-compare benchstore-report)
endif()
if(TEST central_read_test)
  set_tests_properties(central_read_test PROPERTIES LABELS "postgres;browser")
endif()
if(TARGET central_read_errors_test)
  add_dependencies(central_read_errors_test benchstore-compare benchstore-report)
endif()
