# cli_help_test and cli_test read the --help, --version and usage texts of the real executables.
foreach(test IN ITEMS cli_help_test cli_test)
  if(TARGET ${test})
    add_dependencies(${test} benchstore-run benchstore-export benchstore-sync benchstore-compare benchstore-report
                    benchstore-import benchstore-central)
  endif()
endforeach()
