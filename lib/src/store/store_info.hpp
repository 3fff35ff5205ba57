#pragma once
// The store_info table's reader and writer. The store file's source id is a random UUID made when the file was
// created: sync tells machines' files apart by it, and a copy (store_copy) keeps it.
#include <filesystem>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

namespace benchstore::store {

// The source id as stored; empty when the table has none. Throws StoreError when it cannot be read.
std::optional<std::string> read_source_id(SQLite::Database& db);

// The source id of the store file at db_path, opened read-only (what SyncResult and StoreCopyResult
// report). Throws StoreError when the file is missing, not a benchstore store, or has no source id.
std::string read_source_id(const std::filesystem::path& db_path);

// Gives the store a new source id (benchstore-sync --new-source-id), in its own write transaction.
// Throws SQLite::Exception.
void write_source_id(SQLite::Database& db, const std::string& source_id);

} // namespace benchstore::store
