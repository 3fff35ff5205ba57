# Embeds the numbered migrations of schema/<dialect>/ into a generated header, so the binaries and
# the tests use the same DDL and nothing reads schema/ at run time.
#
#   benchstore_embed_sql(TARGET <lib> DIALECT sqlite NAMESPACE sqlite_schema)
# generates <binary>/generated/benchstore/<dialect>_migrations.hpp with
#   inline constexpr std::array<std::string_view, N> <namespace>::migrations = {...};
include("${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake")

function(benchstore_embed_sql)
  cmake_parse_arguments(ARG "" "TARGET;DIALECT;NAMESPACE" "" ${ARGN})
  set(schema_dir "${PROJECT_SOURCE_DIR}/schema/${ARG_DIALECT}")
  file(GLOB sql_files CONFIGURE_DEPENDS "${schema_dir}/*.sql")
  list(SORT sql_files)
  benchstore_embed_files(TARGET ${ARG_TARGET} OUT "${CMAKE_BINARY_DIR}/generated/benchstore/${ARG_DIALECT}_migrations.hpp"
                         SCRIPT embed_sql_run.cmake NAMESPACE ${ARG_NAMESPACE} ENTRIES ${sql_files}
                         DEPENDS ${sql_files} COMMENT "Embedding ${ARG_DIALECT} migrations")
endfunction()
