# store_copy_test runs the real benchstore-export --copy-to.
if(TARGET store_copy_test)
  add_dependencies(store_copy_test benchstore-export)
endif()
