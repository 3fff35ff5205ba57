#include "store/store_check.hpp"

#include <random>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "store/sqlite_store.hpp"

namespace benchstore::store {
namespace {

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& problem)
{
    throw StoreError(path.string() + ": the store is damaged (" + problem +
                     "); nothing was recorded into it. Keep the file, record into a new one (--db NEW.db), "
                     "and recover what it holds with: sqlite3 " + path.string() + " .recover | sqlite3 RECOVERED.db");
}

void quick_check(SQLite::Database& db, const std::filesystem::path& path)
{
    SQLite::Statement st(db, "PRAGMA quick_check(1)");
    if (st.executeStep()) {
        std::string first = st.getColumn(0).getString();
        if (first == "ok") return;
        // "*** in database main ***\nPage 5: ..." : keep the message on one line.
        const std::string banner = "*** in database main ***\n";
        if (first.rfind(banner, 0) == 0) first.erase(0, banner.size());
        for (char& c : first)
            if (c == '\n' || c == '\r') c = ' ';
        refuse(path, "PRAGMA quick_check: " + first);
    }
}

// Reads every column of the rows it visits, so overflow pages on the path are read too.
void read_all(SQLite::Statement& st)
{
    while (st.executeStep())
        for (int i = 0; i < st.getColumnCount(); ++i) (void)st.getColumn(i).getBytes();
}

void sample_tables(SQLite::Database& db, const PageCheckLimits& limits)
{
    std::vector<std::string> tables;
    {
        SQLite::Statement st(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        while (st.executeStep()) {
            const std::string name = st.getColumn(0).getString();
            const std::string sql = st.getColumn(1).getString();
            if (sql.find("WITHOUT ROWID") != std::string::npos) {
                SQLite::Statement all(db, "SELECT * FROM \"" + name + "\"");  // small key-value tables
                read_all(all);
            } else {
                tables.push_back(name);
            }
        }
    }
    std::mt19937_64 random(std::random_device{}());
    for (const auto& t : tables) {
        const std::string q = "\"" + t + "\"";
        for (const char* order : {"ASC", "DESC"}) {
            SQLite::Statement ends(db, "SELECT * FROM " + q + " ORDER BY rowid " + order + " LIMIT " +
                                           std::to_string(limits.sample_rows));
            read_all(ends);
        }
        SQLite::Statement range(db, "SELECT min(rowid), max(rowid) FROM " + q);
        range.executeStep();
        if (range.getColumn(0).isNull()) continue;
        std::uniform_int_distribution<std::int64_t> pick(range.getColumn(0).getInt64(), range.getColumn(1).getInt64());
        SQLite::Statement probe(db, "SELECT * FROM " + q + " WHERE rowid >= ? ORDER BY rowid LIMIT 1");
        for (int i = 0; i < limits.sample_paths; ++i) {
            probe.bind(1, pick(random));
            read_all(probe);
            probe.reset();
        }
    }
}

} // namespace

void check_store_pages(const std::filesystem::path& path, const PageCheckLimits& limits)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return;  // missing (created later) or not a file: opening it reports that
    auto db = open_store(path, OpenMode::read_only);
    try {
        db.exec("BEGIN");  // one snapshot while a writer may be appending
        if (size <= limits.full_check_limit) quick_check(db, path);
        else sample_tables(db, limits);
        db.exec("COMMIT");
    } catch (const StoreError&) {
        throw;
    } catch (const SQLite::Exception& e) {
        refuse(path, e.what());
    }
}

} // namespace benchstore::store
