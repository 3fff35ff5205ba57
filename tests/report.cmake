# The report tests read Chromium's PNG screenshots (tests/support/png_image.cpp): zlib inflates them.
target_link_libraries(benchstore_test_support PUBLIC ZLIB::ZLIB)
# Black-box: the real benchstore-report, on a store the real runner filled with the bundled modules.
add_dependencies(report_test benchstore-report benchstore-export benchstore-run mock_benchmark matmul_benchmark sort_benchmark)
target_compile_definitions(report_test PRIVATE BENCHSTORE_CHART_JS="${BENCHSTORE_CHART_JS}")
