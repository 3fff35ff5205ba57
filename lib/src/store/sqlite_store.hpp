#pragma once
// Opening the local SQLite store: the one place that knows its pragmas and its migrations.
// Internal to the library (SQLiteCpp stays out of the public headers).
#include <filesystem>
#include <string>

#include <SQLiteCpp/Database.h>

#include "store/transaction.hpp"  // with_write_transaction, for the store's writers

namespace benchstore::store {

enum class OpenMode {
    read_write,  // create if missing, migrate forward, WAL, synchronous=FULL
    read_only    // must exist and be readable by this program (not necessarily migrated); never written.
                 // Works on a store the user can read but not write (a read-only mount, another user's
                 // folder) and leaves no -wal/-shm files beside it (see reader_open in the .cpp).
};

// Which threads use the connection. shared: any number at once (SQLite's serialized mode: every
// call takes the connection's mutex; the recorder's sampler thread writes beside its caller).
// one_at_a_time: one thread at a time, possibly a different one for each statement (SQLite's
// multi-thread mode, no mutex): reading a million rows column by column spent a fifth of sync's
// client time locking and unlocking that mutex.
enum class Threads { shared, one_at_a_time };

// Opens the store at path. Throws StoreError with a one-line message naming the file when it is
// missing (read_only), not a SQLite database, not a benchstore store, or from a newer benchstore
// (NewerSchemaError).
SQLite::Database open_store(const std::filesystem::path& path, OpenMode mode, Threads threads = Threads::shared);

// Whether the table (in the attached database schema: "main", "source", ...) exists, and whether it
// has the column: the optional parts of older store versions. Throws StoreError.
bool has_table(SQLite::Database& db, const std::string& schema, const std::string& table);
bool has_column(SQLite::Database& db, const std::string& schema, const std::string& table, const std::string& column);

// Milliseconds a connection waits for another writer's lock before failing.
inline constexpr int busy_timeout_ms = 10'000;

} // namespace benchstore::store
