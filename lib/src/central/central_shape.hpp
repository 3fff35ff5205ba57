#pragma once
// What the central reader finds on a server, and how it reads every shape the same way: benchstore's
// own schema at any version up to this program's, a database adopted from Hugging Face's tool (their
// old rows have NULL host, run_id, module, status, ...), and their tables never adopted (no
// benchstore column at all). Each column the readers use has one SQL expression over the benchmarks
// row (alias b) that gives the documented default where the column or its value is missing
// (docs/central-read.md, "Rows the original tool wrote"). Internal.
#include <string>

#include "pg/connection.hpp"

namespace benchstore::central {

struct CentralShape {
    int schema_version = 0;        // benchstore_schema_version; 0 when never synced into
    std::string id_type;           // SQL type an array of benchmark ids is cast to: uuid, text or bigint
    // Expressions over benchmarks b, each never NULL.
    std::string benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at;
    std::string host, run_id, module, status, status_reason, finished_at, host_info;
    std::string from_original_tool;  // boolean: the row was written by the original tool, not by sync
};

// Reads the server's schema version and the benchmarks table's columns. Throws ServerError when the
// schema is newer than this program knows, or when there is no benchmarks table (nothing synced).
CentralShape read_central_shape(pg::PgConnection& conn);

// A timestamp column as benchstore writes times: 2025-07-29T20:08:07.875408 (UTC, microseconds).
std::string iso_time(const std::string& column);

} // namespace benchstore::central
