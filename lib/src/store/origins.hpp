#pragma once
// The origins table's reader (schema version 5): the stores whose rows this one merged
// (benchstore-import of a .db file), each with the source id its rows are synced under. Internal.
#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace benchstore::store {

struct Origin {
    std::int64_t id = 0;     // origins.id, what benchmarks.origin and the measurements' origin refer to
    std::string source_id;   // the source id of the store that first wrote the rows
};

// Whether the store has the origin columns (schema version 5 and later). Throws StoreError.
bool has_origins(SQLite::Database& db);

// Every origin, by id; empty when the store has merged nothing. Throws StoreError.
std::vector<Origin> read_origins(SQLite::Database& db);

} // namespace benchstore::store
