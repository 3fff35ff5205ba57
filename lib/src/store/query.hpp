#pragma once
// The store's read layer: a read-only prepared statement whose result columns are read by NAME.
// Callers resolve each name once with column("name") (the SELECT's AS name: give every column one,
// SQLite leaves the name of an un-aliased column unspecified),
// before the row loop, and read rows through the Column handle it returns; no caller counts
// positions, so adding or reordering SELECT columns never shifts a read.
//
//     Query q(db, "SELECT b.benchmark_id, count(*) AS n FROM ... WHERE b.branch = ?", {"main"});
//     const auto id = q.column("benchmark_id"), n = q.column("n");
//     while (q.step()) use(q.text(id), q.integer(n));
//
// Values are read straight from the statement (no per-column objects, so export's hot loops stay
// fast); a text view is valid until the next step(). RAII: finalised on destruction. Errors throw
// StoreError naming the file. Not thread-safe: one thread per Query (and per connection).
// Internal to the library (lib/src/...): export, compare, report and the runner's ledger read here.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace benchstore::store {

class Query;
std::int64_t query_integer(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& params);

// A result column of one Query, found by name. Only Query::column makes one.
class Column {
public:
    Column() = default;  // unresolved until assigned from Query::column
    friend bool operator==(Column, Column) = default;

private:
    friend class Query;
    explicit Column(int index) : m_index(index) {}
    int m_index = -1;
};

class Query {
public:
    // Prepares sql on db and binds params, in order, as text to its ? placeholders (SQLite's type
    // affinity compares them with numeric columns as numbers). Throws StoreError.
    Query(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& params = {});

    // The result column called name. Throws StoreError when the SELECT has no such column (a
    // programming error, caught by the first test that runs the query).
    Column column(std::string_view name) const;
    // Whether the SELECT has a column called name (for optional columns of older store versions).
    bool has_column(std::string_view name) const;

    // Advances to the next row; false at the end. Throws StoreError.
    bool step();

    bool is_null(Column c) const { return type(c) == SQLITE_NULL; }
    // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL: what the row holds, whatever
    // the column's declared type (a hand edit can put text in a REAL column).
    int type(Column c) const { return sqlite3_column_type(m_stmt.get(), c.m_index); }
    double real(Column c) const { return sqlite3_column_double(m_stmt.get(), c.m_index); }
    std::int64_t integer(Column c) const { return sqlite3_column_int64(m_stmt.get(), c.m_index); }
    // Empty for NULL; valid until the next step().
    std::string_view text(Column c) const;
    std::optional<double> optional_real(Column c) const
    {
        if (is_null(c)) return std::nullopt;
        return real(c);
    }

private:
    friend std::int64_t query_integer(SQLite::Database&, const std::string&, const std::vector<std::string>&);
    struct Finalize {
        void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
    };
    SQLite::Database& m_db;
    std::unique_ptr<sqlite3_stmt, Finalize> m_stmt;
};

// Runs a query returning one integer (count(*), max(id)...) and returns it; 0 when it yields no row
// or NULL. Throws StoreError.
std::int64_t query_integer(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& params);

} // namespace benchstore::store
