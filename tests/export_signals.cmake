# export_signals_test signals the real benchstore-export.
if(TARGET export_signals_test)
  add_dependencies(export_signals_test benchstore-export)
endif()
