# Packaging tests (cmake/install.cmake, cmake/packaging.cmake), shell scripts in tests/packaging/:
#   packaging_symbols_test  the shared library exports the public API only, with its SONAME
#   packaging_install_test  install into a temporary prefix; find_package and pkg-config consumers
#   packaging_deb_test      cpack's .deb: control data, contents, and its programs run unpacked
if(BENCHSTORE_INSTALL)
  set(packaging_dir "${CMAKE_CURRENT_LIST_DIR}/packaging")
  add_test(NAME packaging_symbols_test
    COMMAND bash "${packaging_dir}/symbols_test.sh" "$<TARGET_FILE:benchstore>" "$<TARGET_SONAME_FILE_NAME:benchstore>")
  add_test(NAME packaging_install_test
    COMMAND bash "${packaging_dir}/install_test.sh" "${PROJECT_BINARY_DIR}" "${CMAKE_CXX_COMPILER}"
            "${PROJECT_VERSION}" "${CMAKE_CXX_COMPILER_LAUNCHER}")
  add_test(NAME packaging_deb_test
    COMMAND bash "${packaging_dir}/deb_test.sh" "${PROJECT_BINARY_DIR}" "${PROJECT_SOURCE_DIR}" "${PROJECT_VERSION}"
            "$<TARGET_SONAME_FILE_NAME:benchstore>")
  set_tests_properties(packaging_symbols_test packaging_install_test packaging_deb_test PROPERTIES TIMEOUT 600 LABELS packaging)
endif()
