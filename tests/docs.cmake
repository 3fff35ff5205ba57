# docs_links_test: every relative link and #anchor in README.md, CONTRIBUTING.md and docs/*.md resolves
# (tests/docs_links_check.py); docs_links_checker_test proves that check fails on a broken link.
add_test(NAME docs_links_test COMMAND /usr/bin/python3 "${CMAKE_CURRENT_SOURCE_DIR}/docs_links_check.py" "${PROJECT_SOURCE_DIR}")
add_test(NAME docs_links_checker_test COMMAND /usr/bin/python3 "${CMAKE_CURRENT_SOURCE_DIR}/docs_links_check.py" --self-test)
set_tests_properties(docs_links_test docs_links_checker_test PROPERTIES TIMEOUT 60 LABELS unit)
