#pragma once
// A read-only prepared statement over the raw sqlite3 handle, for the export's hot loops: columns
// are read straight from the statement (no per-column objects), text as views valid until the next
// step. RAII: the statement is finalised on destruction. Errors throw StoreError naming the file.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace benchstore::csv {

class Query {
public:
    // Prepares sql on db and binds params, in order, to its ? placeholders.
    Query(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& params = {});

    // Advances to the next row; false at the end.
    bool step();

    bool is_null(int column) const { return sqlite3_column_type(m_stmt.get(), column) == SQLITE_NULL; }
    double real(int column) const { return sqlite3_column_double(m_stmt.get(), column); }
    std::int64_t integer(int column) const { return sqlite3_column_int64(m_stmt.get(), column); }
    std::string_view text(int column) const;

private:
    struct Finalize {
        void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
    };
    SQLite::Database& m_db;
    std::unique_ptr<sqlite3_stmt, Finalize> m_stmt;
};

} // namespace benchstore::csv
