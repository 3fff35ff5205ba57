# Embeds text files into a generated header at build time, as embed_sql.cmake does for the
# migrations: the report's chart library (Debian's libjs-chart.js) and its own stylesheet and script,
# so benchstore-report writes a page that needs nothing else and reads nothing at run time.
#
#   benchstore_embed_text(TARGET <lib> HEADER <name> NAMESPACE <ns>
#                         FILES <variable>=<file> ...)
# generates <binary>/generated/benchstore/<name>.hpp with, per file,
#   inline constexpr std::string_view <ns>::<variable> = R"benchstore_text(...)benchstore_text";
# Text that is inlined into an HTML <script> or <style> element must not hold "</script", "</style"
# or "<!--" (the HTML parser would end or change the element there), nor the raw-string delimiter:
# the build fails naming the file rather than embed such text.
function(benchstore_embed_text)
  cmake_parse_arguments(ARG "" "TARGET;HEADER;NAMESPACE" "FILES" ${ARGN})
  set(out "${CMAKE_BINARY_DIR}/generated/benchstore/${ARG_HEADER}.hpp")
  set(deps)
  foreach(entry IN LISTS ARG_FILES)
    string(REGEX REPLACE "^[^=]*=" "" file "${entry}")
    list(APPEND deps "${file}")
  endforeach()
  string(REPLACE ";" "|" files_arg "${ARG_FILES}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE} "-DFILES=${files_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_text_run.cmake"
    DEPENDS ${deps} "${PROJECT_SOURCE_DIR}/cmake/embed_text_run.cmake"
    COMMENT "Embedding ${ARG_HEADER}"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
  target_include_directories(${ARG_TARGET} PRIVATE "${CMAKE_BINARY_DIR}/generated")
endfunction()
