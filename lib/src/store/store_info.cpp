#include "store/store_info.hpp"

#include "store/query.hpp"

namespace benchstore::store {

std::optional<std::string> read_source_id(SQLite::Database& db)
{
    Query q(db, "SELECT value AS source_id FROM store_info WHERE key = 'source_id'");
    if (!q.step()) return std::nullopt;
    return std::string(q.text(q.column("source_id")));
}

} // namespace benchstore::store
