#pragma once
// Opening the local SQLite store: the one place that knows its pragmas and its migrations.
// Internal to the library (SQLiteCpp stays out of the public headers).
#include <filesystem>
#include <SQLiteCpp/Database.h>

#include "store/transaction.hpp"  // with_write_transaction, for the store's writers

namespace benchstore::store {

enum class OpenMode {
    read_write,  // create if missing, migrate forward, WAL, synchronous=FULL
    read_only    // must exist and be readable by this program (not necessarily migrated); never written
};

// Opens the store at path. Throws StoreError with a one-line message naming the file when it is
// missing (read_only), not a SQLite database, not a benchstore store, or from a newer benchstore
// (NewerSchemaError).
SQLite::Database open_store(const std::filesystem::path& path, OpenMode mode);

// Milliseconds a connection waits for another writer's lock before failing.
inline constexpr int busy_timeout_ms = 10'000;

} // namespace benchstore::store
