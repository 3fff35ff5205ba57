#pragma once
// The measurements reader (store/measurements_json.hpp) as an SQL table-valued function, for readers
// that need SQL to order or group by metric (the report's trend charts, sorted by SQLite in bounded
// memory):
//     SELECT j.name, j.value FROM model_measurements m, benchstore_measurements(m.measurements, m.id) j
// One row per member, in recorded order: name (TEXT) and value (REAL). The second argument, the row's
// id, only names the row in the error for a malformed value, which stops the query with
// "model_measurements row ID is not a JSON object of finite numbers" (as export, compare and sync say).
#include <SQLiteCpp/Database.h>

namespace benchstore::store {

// Registers benchstore_measurements on db (read-only connections too). Throws StoreError.
void register_measurements_table(SQLite::Database& db);

} // namespace benchstore::store
