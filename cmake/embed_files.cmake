# What embed_sql.cmake and embed_text.cmake share: the build step that runs a script-mode helper
# (cmake/<script>) to write one generated header from files, and makes target compile it.
#
#   benchstore_embed_files(TARGET <lib> OUT <header> SCRIPT <helper.cmake> NAMESPACE <ns>
#                          ENTRIES <what the helper reads> DEPENDS <files> COMMENT <text>)
# The helper gets -DOUT, -DNAMESPACE and -DFILES (the entries joined by '|': a CMake list would split
# into separate command arguments).
function(benchstore_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;OUT;SCRIPT;NAMESPACE;COMMENT" "ENTRIES;DEPENDS" ${ARGN})
  string(REPLACE ";" "|" files_arg "${ARG_ENTRIES}")
  add_custom_command(
    OUTPUT "${ARG_OUT}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${ARG_OUT} -DNAMESPACE=${ARG_NAMESPACE} "-DFILES=${files_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/${ARG_SCRIPT}"
    DEPENDS ${ARG_DEPENDS} "${PROJECT_SOURCE_DIR}/cmake/${ARG_SCRIPT}" "${PROJECT_SOURCE_DIR}/cmake/embed_write_header.cmake"
    COMMENT "${ARG_COMMENT}"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${ARG_OUT}")
  target_include_directories(${ARG_TARGET} PRIVATE "${CMAKE_BINARY_DIR}/generated")
endfunction()
