#include "export/query.hpp"

#include "benchstore/error.hpp"

namespace benchstore::csv {
namespace {

[[noreturn]] void fail(SQLite::Database& db, const char* what)
{
    throw StoreError(db.getFilename() + ": " + what + ": " + sqlite3_errmsg(db.getHandle()));
}

} // namespace

Query::Query(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& params) : m_db(db)
{
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db.getHandle(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
        fail(db, "cannot read store");
    m_stmt.reset(stmt);
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].data(), static_cast<int>(params[i].size()),
                              SQLITE_TRANSIENT) != SQLITE_OK)
            fail(db, "cannot read store");
    }
}

bool Query::step()
{
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(m_db, "cannot read store");
}

std::string_view Query::text(int column) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt.get(), column));
    if (!p) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt.get(), column))};
}

} // namespace benchstore::csv
