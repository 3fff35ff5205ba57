#include "store/origins.hpp"

#include "store/query.hpp"
#include "store/sqlite_store.hpp"

namespace benchstore::store {

bool has_origins(SQLite::Database& db) { return has_column(db, "main", "benchmarks", "origin"); }

std::vector<Origin> read_origins(SQLite::Database& db)
{
    Query q(db, "SELECT id AS origin, source_id AS source_id FROM origins ORDER BY id");
    const Column origin = q.column("origin"), source_id = q.column("source_id");
    std::vector<Origin> out;
    while (q.step()) out.push_back({q.integer(origin), std::string(q.text(source_id))});
    return out;
}

} // namespace benchstore::store
