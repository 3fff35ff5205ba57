# read_only_store_test runs the real benchstore-export and benchstore-sync as a reader who cannot write.
if(TARGET read_only_store_test)
  add_dependencies(read_only_store_test benchstore-export benchstore-sync record_until_killed)
endif()
