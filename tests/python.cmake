# The Python package's tests (tests/python/test_*.py), one ctest entry per file, run by pytest with the
# interpreter the package is built for and the package imported from the build tree.
if(BENCHSTORE_BUILD_PYTHON)
  file(GLOB python_test_files CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/python/test_*.py")
  foreach(test_file IN LISTS python_test_files)
    get_filename_component(stem "${test_file}" NAME_WE)
    add_test(NAME python_${stem}
             COMMAND "${Python3_EXECUTABLE}" -m pytest -q -p no:cacheprovider "${test_file}"
             WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/python")
    # test_export_sync.py also starts a throwaway PostgreSQL.
    if(stem STREQUAL "test_export_sync")
      set(labels "python;postgres")
    else()
      set(labels python)
    endif()
    set_tests_properties(python_${stem} PROPERTIES
      TIMEOUT 600
      LABELS "${labels}"
      ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;PYTHONPATH=${PROJECT_BINARY_DIR}/python;BENCHSTORE_BINARY_DIR=${PROJECT_BINARY_DIR};BENCHSTORE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  endforeach()
  # Builds the extension for three interpreters (once each) and the checkout with pip.
  if(TEST python_test_wheel)
    set_tests_properties(python_test_wheel PROPERTIES TIMEOUT 1500)
  endif()
endif()
