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
include("${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake")

function(benchstore_embed_text)
  cmake_parse_arguments(ARG "" "TARGET;HEADER;NAMESPACE" "FILES" ${ARGN})
  set(deps)
  foreach(entry IN LISTS ARG_FILES)
    string(REGEX REPLACE "^[^=]*=" "" file "${entry}")
    list(APPEND deps "${file}")
  endforeach()
  benchstore_embed_files(TARGET ${ARG_TARGET} OUT "${CMAKE_BINARY_DIR}/generated/benchstore/${ARG_HEADER}.hpp"
                         SCRIPT embed_text_run.cmake NAMESPACE ${ARG_NAMESPACE} ENTRIES ${ARG_FILES}
                         DEPENDS ${deps} COMMENT "Embedding ${ARG_HEADER}")
endfunction()
