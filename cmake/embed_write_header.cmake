# For the script-mode helpers embed_sql_run.cmake and embed_text_run.cmake: writes body to out only
# when it changed (so a rebuild that embeds the same text recompiles nothing), through a temporary.
function(benchstore_write_header out body)
  file(WRITE "${out}.tmp" "${body}")
  file(COPY_FILE "${out}.tmp" "${out}" ONLY_IF_DIFFERENT)
  file(REMOVE "${out}.tmp")
endfunction()
