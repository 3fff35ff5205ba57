#pragma once
// Replaying a local store into the central PostgreSQL database.
//
// sync() sends every row that was committed in the store file when it started and that the server
// does not hold yet, in batches. Each batch is one PostgreSQL transaction: binary COPY into a
// session staging table, one INSERT ... SELECT into the real table (its primary key is the row's
// identity, benchmark UUID + local id; if a copy of the file already sent some of the rows, the
// same INSERT runs again with ON CONFLICT DO NOTHING and the rows are checked to be identical),
// and the file's high-water mark for that table (kept in the server's sync_state table, under a
// per-file advisory lock) moved forward. Because the mark is committed with the rows, a sync
// killed at any point, a server restart or two syncs of the same file at once never lose or
// duplicate a row; the next sync carries on where the last commit left off. There is no local
// bookkeeping: the store file is only read (an older store is migrated forward on open, like
// every read-write open, and the file is written when new_source_id is set; a file that is not a
// store yet is refused, never turned into one). Memory: two batches (the next one is
// read while the server loads the current one), whatever the backlog.
//
// Thread safety: the functions are reentrant; each call opens its own connections.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "benchstore/api.hpp"
#include "benchstore/postgres.hpp"  // sync_reply_margin, mask_conninfo
#include "benchstore/show_progress.hpp"

namespace benchstore {

enum class DryRun { no, yes };

// Limits of SyncOptions::statement_timeout (PostgreSQL keeps it in milliseconds, in an int) and of
// sync_watch's interval (a year).
inline constexpr std::chrono::seconds max_statement_timeout{2'147'483};
inline constexpr std::chrono::seconds max_watch_interval{31'536'000};

struct SyncOptions {
    // The store file to read. It must exist (sync never creates one).
    std::filesystem::path db_path;

    // libpq connection string or URI ("host=db.example dbname=metrics", "postgresql://u@h/metrics"),
    // or a bare database name.
    // Empty: libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSFILE, PGSSLMODE, ...) applies alone.
    // When neither this nor PGDATABASE names a database, dbname=metrics. connect_timeout=10,
    // keepalives and tcp_user_timeout are added when neither this nor the environment sets them.
    // TLS settings pass through to libpq untouched.
    std::string conninfo;

    // Rows per batch (= per transaction). Memory use is bounded by one batch.
    std::int64_t batch_rows = 50'000;

    // DryRun::yes: report what would be sent; the server and the file are left untouched.
    DryRun dry_run = DryRun::no;

    // Server-side limit for any one statement, so a stalled server cannot hang the sync. The client
    // also waits at most statement_timeout + sync_reply_margin for any one reply (a statement, a
    // COPY piece, the commit), and at most connect_timeout (default 10 s) to connect: past that it
    // drops the connection and throws ConnectionError ("timed out"), nothing more recorded as sent.
    // 1 s to max_statement_timeout; anything else is InvalidArgument (0 would switch it off).
    std::chrono::seconds statement_timeout{300};

    // Give the store file a new random source id before sending. The fix for a copied file (one that
    // shares its source id with another file that has sent different rows): every row is then
    // offered again, rows the server already holds are confirmed identical and skipped.
    bool new_source_id = false;

    // ShowProgress::on_terminal: while sending, one line on standard output, rewritten in place a
    // few times a second (the table, rows done of its backlog, rows/s, rows left and the time at
    // that rate), and cleared before sync returns; only when standard output is a terminal, so
    // pipes and logs get nothing of it. The default keeps library callers quiet.
    ShowProgress show_progress = ShowProgress::no;

    // When set and true, sync stops after the current batch (SIGINT/SIGTERM handlers set it).
    const std::atomic<bool>* stop = nullptr;
};

// One table's outcome.
struct SyncTableResult {
    std::string table;             // "benchmarks", "benchmark_status_changes", ...
    // Rows newly stored on the server (dry run: rows that would be sent). benchmark_status_changes:
    // the changes delivered (the server keeps only each benchmark's newest, as its status).
    std::int64_t sent = 0;
    std::int64_t skipped = 0;      // rows the server already held, identical (a resend after a kill)
    std::int64_t rejected = 0;     // rows the server refused; see SyncResult::rejects
    std::int64_t held = 0;         // rows held back in this run (their benchmark is not on the server)
    // Rows of the file still not on the server after this run: those above the server's mark for
    // this file (above the run's own snapshot when the mark is past it), written since included.
    std::int64_t left = 0;
    double seconds = 0;            // time spent on this table
    // The file is an older copy of one whose newer copy has synced more of this table: every row
    // of it is already on the server (its last row checked identical), so nothing was sent.
    bool older_copy = false;
    double rows_per_second() const { return seconds > 0 ? (sent + skipped) / seconds : 0; }
};

// A row the server refused, named by its identity in the store file.
struct SyncReject {
    std::string table;
    std::int64_t local_id = 0;
    std::string benchmark_id;
    std::string error;  // the server's message, one line
};

// Rows held back: their benchmark is not on the server (the server, or this client, rejected it),
// so sending them would leave orphans. They are kept in sync_rejects, and every later sync offers
// them again: they go as soon as their benchmark does.
struct SyncHeld {
    std::string table;
    std::string benchmark_id;
    std::int64_t rows = 0;
};

struct SyncResult {
    std::string source_id;          // the store file's source id (after new_source_id)
    std::string server;             // "host:port/dbname" (never a password)
    std::vector<SyncTableResult> tables;
    std::vector<SyncReject> rejects;
    std::vector<SyncHeld> held;     // held back in this run, per table and benchmark
    bool stopped = false;           // options.stop ended it early
    bool schema_created = false;    // migrations were applied in this run
    // An existing database that Hugging Face's tool created was adopted in this run (or, dry run,
    // would be): one line per change made to it, in order. Empty otherwise.
    std::vector<std::string> adoption;
    double seconds = 0;
};

// Sends what is new in options.db_path. Throws:
//   InvalidArgument  bad options (batch_rows < 1, statement_timeout out of range);
//   StoreError       missing or unreadable store file, or a file that is not a benchstore store
//                    (user_version 0: an empty file, another program's database): sync never
//                    creates or adopts a store;
//   ConnectionError  server unreachable or connection lost: try again later (nothing half-sent);
//   ServerError      wrong password, missing database, permission denied, a server database that
//                    is not UTF8, a server schema newer than this program, existing tables that
//                    cannot be adopted (one line naming the table and column; nothing changed), or
//                    a copied store file
//                    that has rows the server lacks under its source id (see new_source_id; an
//                    older copy whose rows are all on the server is fine: SyncTableResult::older_copy).
// Rows the server rejects (or the client: a timestamp it cannot read, text in a numeric column,
// measurements that are not a JSON object of numbers) do not throw; they are in SyncResult::rejects
// and on the server in sync_rejects, with the rows held back (SyncResult::held). The high-water
// mark moves past both, so they never block later rows; every later sync offers the rows listed in
// sync_rejects again (a rejected row the user fixed in the store, a held row whose benchmark went
// in), and those the server takes leave sync_rejects and count as sent.
BENCHSTORE_API SyncResult sync(const SyncOptions& options);

// Human-readable report lines for a result (per table: sent, skipped, rows/s, left).
BENCHSTORE_API std::vector<std::string> format_sync_report(const SyncResult& result, DryRun dry_run);

// Calls sync() every interval until *options.stop becomes true. A ConnectionError, or a store file
// locked by another writer past the busy timeout, is passed to on_error and the loop carries on
// (the server or the file may be free next time); any other Error is rethrown. on_result gets each
// completed run. new_source_id is applied once, by the first attempt that writes it, not on every
// attempt. Returns when stopped. Throws InvalidArgument unless 0 < interval <= max_watch_interval.
BENCHSTORE_API void sync_watch(const SyncOptions& options, std::chrono::milliseconds interval,
                const std::function<void(const SyncResult&)>& on_result,
                const std::function<void(const std::exception&)>& on_error);

} // namespace benchstore
