# Embeds the numbered migrations of schema/<dialect>/ into a generated header, so the binaries and
# the tests use the same DDL and nothing reads schema/ at run time.
#
#   benchstore_embed_sql(TARGET <lib> DIALECT sqlite NAMESPACE sqlite_schema)
# generates <binary>/generated/benchstore/<dialect>_migrations.hpp with
#   inline constexpr std::array<std::string_view, N> <namespace>::migrations = {...};
function(benchstore_embed_sql)
  cmake_parse_arguments(ARG "" "TARGET;DIALECT;NAMESPACE" "" ${ARGN})
  set(schema_dir "${PROJECT_SOURCE_DIR}/schema/${ARG_DIALECT}")
  file(GLOB sql_files CONFIGURE_DEPENDS "${schema_dir}/*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_BINARY_DIR}/generated/benchstore/${ARG_DIALECT}_migrations.hpp")
  # A CMake list would split into separate command arguments: pass the files joined by '|'.
  string(REPLACE ";" "|" files_arg "${sql_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE} "-DFILES=${files_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_sql_run.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_sql_run.cmake"
    COMMENT "Embedding ${ARG_DIALECT} migrations"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
  target_include_directories(${ARG_TARGET} PRIVATE "${CMAKE_BINARY_DIR}/generated")
endfunction()
