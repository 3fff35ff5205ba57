# cli_help_test reads the --help and usage texts of the real executables.
if(TARGET cli_help_test)
  add_dependencies(cli_help_test benchstore-run benchstore-export benchstore-sync)
endif()
