# scripts_test: pytest over the shell scripts in tools/ (tests/scripts_test.py), against the built
# executables.
add_test(NAME scripts_test
         COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider "${CMAKE_CURRENT_SOURCE_DIR}/scripts_test.py")
# It also starts tools/pg-test-server.sh's PostgreSQL.
set_tests_properties(scripts_test PROPERTIES TIMEOUT 600 LABELS "python;postgres"
  ENVIRONMENT "BENCHSTORE_SOURCE_DIR=${PROJECT_SOURCE_DIR};BENCHSTORE_BINARY_DIR=${PROJECT_BINARY_DIR}")

# dashboard_test: the shipped Grafana dashboard's JSON and every query of it, on a synced and an adopted
# database (a real PostgreSQL started by tools/pg-test-server.sh).
add_test(NAME dashboard_test
         COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider "${CMAKE_CURRENT_SOURCE_DIR}/dashboard_test.py")
set_tests_properties(dashboard_test PROPERTIES TIMEOUT 600 LABELS "python;postgres"
  ENVIRONMENT "BENCHSTORE_SOURCE_DIR=${PROJECT_SOURCE_DIR};BENCHSTORE_BINARY_DIR=${PROJECT_BINARY_DIR}")
