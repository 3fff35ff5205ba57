#pragma once
// Sends one table of one store file: the batch loop, the per-batch transaction that moves the
// file's high-water mark with the rows, the copied-file check, and the bisection that isolates
// rows the server rejects. Internal.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/sync.hpp"
#include "core/progress_line.hpp"
#include "sync/batch_reader.hpp"
#include "sync/brin_summary.hpp"
#include "sync/pg_connection.hpp"
#include "sync/sync_tables.hpp"

namespace benchstore::sync_ {

// The server's record of what a file has sent for one table.
struct RemoteMark {
    std::int64_t high_water_mark = 0;
    std::int64_t fingerprint = 0;
};

RemoteMark read_remote_mark(PgConnection& conn, const std::string& source_id, const std::string& table);

// How this file relates to what the server holds from its source id, for one table.
enum class FileMatch {
    same,   // the server's mark is this file's row (or nothing was sent yet)
    older,  // the file ends below the mark and its last row is on the server, identical: an older
            // copy of a file whose newer copy has synced; nothing of it is missing there
};

// Throws ServerError when the store's row at the server's high-water mark differs, or is missing
// while the file has rows the server lacks: another file with the same source id (a copy that
// went its own way) has sent rows under these ids. Checking an older copy stages its last row in
// a transaction that is rolled back.
FileMatch check_same_file(PgConnection& conn, SQLite::Database& db, const TableSpec& spec,
                          const std::string& source_id, const std::string& db_name, const RemoteMark& mark);

class TableSync {
public:
    TableSync(PgConnection& conn, SQLite::Database& db, const TableSpec& spec, std::string source_id,
              std::string db_name, std::int64_t target, std::int64_t batch_rows, const std::atomic<bool>* stop,
              ProgressLine* progress = nullptr);

    // Offers the rows listed in sync_rejects again, then sends rows up to the target. Returns
    // false when stopped early by the stop flag.
    bool run(SyncTableResult& stats, std::vector<SyncReject>& rejects, std::vector<SyncHeld>& held);

    // The high-water mark after run().
    std::int64_t high_water_mark() const { return m_mark; }

private:
    bool send_all(SyncTableResult& stats, std::vector<SyncReject>& rejects, std::vector<SyncHeld>& held);
    enum class Outcome { sent, moved };
    // direct: a batch whose keys the server lacks may COPY straight into the target table.
    Outcome send_range(const Batch& batch, std::size_t begin, std::size_t end, std::int64_t expected_start,
                       bool direct);
    Outcome send_range_retrying(const Batch& batch, std::size_t begin, std::size_t end,
                                std::int64_t expected_start);
    Outcome bisect(Batch& batch, std::size_t begin, std::size_t end, std::int64_t expected_start);
    void put_rows(const Batch& batch, std::size_t begin, std::size_t end);
    std::int64_t insert_staged();
    std::int64_t apply_staged(const std::string& sql);  // runs insert_sql or apply_sql: the rows inserted
    void show_progress(ProgressLine::Force force);
    void lock_file();  // in a transaction: waits for other syncs of this file
    void copy_rows(const std::function<void()>& put);  // COPY into the stage table; put sends the rows
    // True when the server holds none of these rows' (benchmark_id, local_id) keys.
    bool keys_are_new(const Batch& batch, std::size_t begin, std::size_t end);
    void copy_direct(const Batch& batch, std::size_t begin, std::size_t end);
    const std::string& benchmark_id_type();
    // Throws ServerError when a staged row differs from the server's row with its identity.
    void refuse_conflicts(const std::string& consequence);
    void hold_orphans(Batch& batch);
    void reoffer_rejects();
    void resend(const Batch& batch, std::vector<std::size_t> rows);

    PgConnection& m_conn;
    SQLite::Database& m_db;
    const TableSpec& m_spec;
    std::string m_source_id;
    std::string m_db_name;
    std::int64_t m_target;
    std::int64_t m_batch_rows;
    const std::atomic<bool>* m_stop;
    std::int64_t m_mark = 0;
    ProgressLine* m_progress;
    std::int64_t m_first_mark = -1;  // the mark when this run started on the table
    std::chrono::steady_clock::time_point m_started;
    SyncTableResult* m_stats = nullptr;
    std::vector<SyncReject>* m_rejects = nullptr;
    std::vector<SyncHeld>* m_held = nullptr;
    std::string m_benchmark_id_type;  // of the server's benchmarks.benchmark_id: "uuid" or "text"
    std::optional<BrinSummary> m_brin;  // measurement tables: their time indexes kept covering new rows
};

} // namespace benchstore::sync_
