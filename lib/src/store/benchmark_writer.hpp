#pragma once
// The one writer of the benchmarks table and its status log (benchmark_status_changes). The recorder
// and benchstore-import write benchmarks through it; its statements are prepared once per connection,
// so a writer is cheap to call per row. The caller holds the transaction (store/transaction.hpp).
// Internal to the library; values are checked by the callers (recorder, import) before they come here.
#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace benchstore::store {

// One new benchmarks row. Empty optional text columns are stored as NULL.
struct NewBenchmark {
    std::string benchmark_id;    // UUID v7
    std::string repository;
    std::string branch;
    std::string commit_id;
    std::string commit_message;  // already cut to 70 characters
    std::string metadata;        // compact JSON object of strings
    std::string created_at;      // format_timestamp text
    std::string host;
    std::string run_id;          // empty = NULL
    std::string module;          // empty = NULL
    std::string host_info;       // JSON object of strings; empty = NULL
    std::optional<std::int64_t> import_ref;  // imports.id of the file it came from
};

class BenchmarkWriter {
public:
    explicit BenchmarkWriter(SQLite::Database& db);

    // Inserts the row (status running) and returns its local id (benchmark_ref). Throws SQLite::Exception.
    std::int64_t insert(const NewBenchmark& benchmark);

    // Sets the benchmark's status and logs the change at time; finished_at is time unless the status
    // is running. An empty reason is stored as NULL. Throws SQLite::Exception.
    void set_status(std::int64_t benchmark_ref, const char* status, const std::string& reason, const std::string& time);

    // The local id of benchmark_id, nullopt when the store has no such benchmark. Throws InvalidArgument
    // for a benchmark merged from another store (benchstore-import): its rows and status belong to the
    // store that recorded it, and rows added here would share ids with that store's own on the server.
    std::optional<std::int64_t> find(const std::string& benchmark_id);

private:
    SQLite::Database& m_db;
    SQLite::Statement m_insert;
    SQLite::Statement m_update_status;
    SQLite::Statement m_insert_status_change;
    SQLite::Statement m_find;
};

} // namespace benchstore::store
