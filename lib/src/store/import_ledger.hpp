#pragma once
// The one writer and reader of the import ledger (the imports table, schema version 5): which files
// benchstore-import brought in, by the SHA-256 of their content. The caller writes a file's ledger row
// in the same transaction as its rows, so a file is in the ledger exactly when its rows are in the store.
// Internal to the library.
#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace benchstore::store {

struct ImportRecord {
    std::string content_sha256;
    std::string format;
    std::string file_name;
    std::string imported_at;
    std::string run_id;
};

// What the ledger says about a file imported before.
struct PastImport {
    std::string file_name;
    std::string imported_at;
    std::string run_id;
};

class ImportLedger {
public:
    explicit ImportLedger(SQLite::Database& db);

    // The earlier import of content with this hash, if any. Throws SQLite::Exception.
    std::optional<PastImport> find(const std::string& content_sha256);

    // Records a file before its rows are written (they refer to it); returns its imports.id.
    std::int64_t insert(const ImportRecord& record);

    // Adds what was read from the file after its rows: its own time (empty = none) and details
    // (a JSON object of strings).
    void finish(std::int64_t import_ref, const std::string& file_time, const std::string& details);

private:
    SQLite::Database& m_db;
    SQLite::Statement m_find;
    SQLite::Statement m_insert;
    SQLite::Statement m_finish;
};

// Replaces the time `from` with `to` in every row of the import import_ref (its benchmarks' created_at
// and finished_at, their status changes and measurements): a file whose own time is known only at its
// end. Throws SQLite::Exception.
void restamp_import(SQLite::Database& db, std::int64_t import_ref, const std::string& from, const std::string& to);

} // namespace benchstore::store
