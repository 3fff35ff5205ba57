#include "store/store_info.hpp"

#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "store/query.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore::store {

std::optional<std::string> read_source_id(SQLite::Database& db)
{
    Query q(db, "SELECT value AS source_id FROM store_info WHERE key = 'source_id'");
    if (!q.step()) return std::nullopt;
    return std::string(q.text(q.column("source_id")));
}

void write_source_id(SQLite::Database& db, const std::string& source_id)
{
    with_write_transaction(db, [&] {
        SQLite::Statement up(db, "UPDATE store_info SET value = ? WHERE key = 'source_id'");
        up.bind(1, source_id);
        up.exec();
    });
}

std::string read_source_id(const std::filesystem::path& db_path)
{
    auto db = open_store(db_path, OpenMode::read_only);
    try {
        const auto id = read_source_id(db);
        if (!id) throw StoreError(db_path.string() + ": store has no source id");
        return *id;
    } catch (const SQLite::Exception& e) {
        throw StoreError(db_path.string() + ": cannot read store info: " + e.what());
    }
}

} // namespace benchstore::store
