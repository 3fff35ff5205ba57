#pragma once
// Adopting a central database that Hugging Face's own tool created (benchmark/init_db.sql and its
// recorder: benchmarks, device_measurements, model_measurements with serial measurement ids,
// foreign keys, benchmark_id held as text such as VARCHAR(36) or as uuid): benchstore migrates it
// in place instead of refusing it. Existing rows are never rewritten: benchstore's own columns are
// added as nullable columns (NULL on the old rows), benchmark_id keeps its type, measurement_id
// stays the serial key, and the (benchmark_id, local_id) unique key that makes replays idempotent
// is a new index (the old rows' NULL local_id never conflicts). Internal.
#include <string>
#include <vector>

#include "sync/pg_connection.hpp"
#include "sync/sync_tables.hpp"

namespace benchstore::sync_ {

// One change adoption makes, in the order it makes them.
struct AdoptionStep {
    std::string description;  // for people: "add column benchmarks.host text"
    std::string sql;          // empty for the last line: the later migrations that follow it
};

// True when a database without benchstore's version table already has a benchmarks,
// device_measurements or model_measurements relation (visible on the search path).
bool has_existing_tables(PgConnection& conn);

// Reads the three tables' shape and returns what adopting them takes. Changes nothing. Throws
// ServerError, one line naming the table and column, when the shape cannot be adopted (a missing
// table or column, benchmark_id that is not uuid or text, a NOT NULL column without a default
// that benchstore would not fill, ...).
std::vector<AdoptionStep> plan_adoption(PgConnection& conn);

// How the server holds benchmark ids: benchstore's own schema uses uuid; an adopted database may
// keep text.
enum class IdColumn { uuid, text };
IdColumn benchmark_id_column(PgConnection& conn);

// The spec's staging table for a server whose benchmark ids are held as id_column. Rows are always
// COPYed in as uuid; for text ids the staging table also has benchmark_id as a text column
// generated from it (COPY skips generated columns), so the same INSERT, UPDATE and conflict SQL
// compares text with text and uses the server's indexes.
std::string stage_ddl(const TableSpec& spec, IdColumn id_column);

} // namespace benchstore::sync_
