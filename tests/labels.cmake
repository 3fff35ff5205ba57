# labels_test: every registered test carries one of the labels contributors select by (tests/CMakeLists.txt),
# so `ctest -L unit` and the others together run the whole suite. It lists the tests that have none.
add_test(NAME labels_test
         COMMAND ${CMAKE_COMMAND} -DCTEST=${CMAKE_CTEST_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR}
                 -P "${CMAKE_CURRENT_SOURCE_DIR}/support/labels_check.cmake")
set_tests_properties(labels_test PROPERTIES TIMEOUT 60 LABELS unit)
