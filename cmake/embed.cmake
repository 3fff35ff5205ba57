# Embeds files into generated headers at build time, so the binaries carry them and nothing reads the
# source tree at run time: the numbered SQL migrations of schema/<dialect>/ (the binaries and the tests
# use the same DDL), and the report's chart library (Debian's libjs-chart.js) with its own stylesheet
# and script (benchstore-report writes a page that needs nothing else). cmake/embed_run.cmake writes
# the header when a listed file changes.
#
#   benchstore_embed_sql(TARGET <lib> DIALECT sqlite NAMESPACE sqlite_schema)
# generates <binary>/generated/benchstore/<dialect>_migrations.hpp with
#   inline constexpr std::array<std::string_view, N> <namespace>::migrations = {...};  // file order
#
#   benchstore_embed_text(TARGET <lib> HEADER <name> NAMESPACE <ns> FILES <variable>=<file> ...)
# generates <binary>/generated/benchstore/<name>.hpp with, per file,
#   inline constexpr std::string_view <ns>::<variable> = R"benchstore_text(...)benchstore_text";
# Text that is inlined into an HTML <script> or <style> element must not hold "</script", "</style"
# or "<!--" (the HTML parser would end or change the element there): the build fails naming the file
# rather than embed such text. No embedded file may hold the raw-string delimiter.

# The one rule: a custom command that writes HEADER from ENTRIES (a list of files for an ARRAY, else
# of <variable>=<file>) and a target that compiles it in.
function(benchstore_embed_files target header namespace array)
  set(out "${CMAKE_BINARY_DIR}/generated/benchstore/${header}.hpp")
  set(deps)
  foreach(entry IN LISTS ARGN)
    string(REGEX REPLACE "^[^=]*=" "" file "${entry}")
    list(APPEND deps "${file}")
  endforeach()
  # A CMake list would split into separate command arguments: pass the entries joined by '|'.
  string(REPLACE ";" "|" entries_arg "${ARGN}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${namespace} "-DARRAY=${array}" "-DENTRIES=${entries_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake"
    DEPENDS ${deps} "${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake"
    COMMENT "Embedding ${header}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
  target_include_directories(${target} PRIVATE "${CMAKE_BINARY_DIR}/generated")
endfunction()

function(benchstore_embed_sql)
  cmake_parse_arguments(ARG "" "TARGET;DIALECT;NAMESPACE" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/schema/${ARG_DIALECT}/*.sql")
  list(SORT sql_files)
  benchstore_embed_files(${ARG_TARGET} "${ARG_DIALECT}_migrations" ${ARG_NAMESPACE} migrations ${sql_files})
endfunction()

function(benchstore_embed_text)
  cmake_parse_arguments(ARG "" "TARGET;HEADER;NAMESPACE" "FILES" ${ARGN})
  benchstore_embed_files(${ARG_TARGET} ${ARG_HEADER} ${ARG_NAMESPACE} "" ${ARG_FILES})
endfunction()
