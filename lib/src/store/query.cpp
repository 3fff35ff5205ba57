#include "store/query.hpp"

#include "benchstore/error.hpp"

namespace benchstore::store {
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

bool Query::has_column(std::string_view name) const
{
    const int count = sqlite3_column_count(m_stmt.get());
    for (int i = 0; i < count; ++i)
        if (name == sqlite3_column_name(m_stmt.get(), i)) return true;
    return false;
}

Column Query::column(std::string_view name) const
{
    const int count = sqlite3_column_count(m_stmt.get());
    for (int i = 0; i < count; ++i)
        if (name == sqlite3_column_name(m_stmt.get(), i)) return Column(i);
    throw StoreError(m_db.getFilename() + ": query has no column '" + std::string(name) + "': " +
                     sqlite3_sql(m_stmt.get()));
}

bool Query::step()
{
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(m_db, "cannot read store");
}

std::string_view Query::text(Column c) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt.get(), c.m_index));
    if (!p) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt.get(), c.m_index))};
}

std::int64_t query_integer(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& params)
{
    Query q(db, sql, params);
    if (!q.step()) return 0;
    // The first (only) column, whatever its name: the one place a position is implied by the contract.
    const int count = sqlite3_column_count(q.m_stmt.get());
    if (count != 1) throw StoreError(db.getFilename() + ": query_integer needs exactly one column");
    return sqlite3_column_int64(q.m_stmt.get(), 0);
}

} // namespace benchstore::store
