// sync(): one run over the four tables. See benchstore/sync.hpp for the contract.
#include "benchstore/sync.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "benchstore/error.hpp"
#include "benchstore/uuid.hpp"
#include "store/sqlite_store.hpp"
#include "sync/pg_connection.hpp"
#include "sync/pg_schema.hpp"
#include "sync/sync_tables.hpp"
#include "sync/table_sync.hpp"

namespace benchstore {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string read_store_source_id(SQLite::Database& db, const std::filesystem::path& path)
{
    SQLite::Statement q(db, "SELECT value AS source_id FROM store_info WHERE key = 'source_id'");
    if (!q.executeStep()) throw StoreError(path.string() + ": store has no source id");
    const std::string id = q.getColumn("source_id").getString();
    if (!is_uuid(id)) throw StoreError(path.string() + ": source id '" + id + "' is not a UUID");
    return id;
}

void write_new_source_id(SQLite::Database& db)
{
    store::with_write_transaction(db, [&] {
        SQLite::Statement up(db, "UPDATE store_info SET value = ? WHERE key = 'source_id'");
        up.bind(1, make_uuid_v4());
        up.exec();
    });
}

SyncResult dry_run(pgsync::PgConnection& conn, SQLite::Database& db, const SyncOptions& options,
                   const std::string& source_id, const std::vector<std::int64_t>& targets)
{
    SyncResult result;
    result.source_id = source_id;
    result.server = conn.server();
    const int version = pgsync::server_schema_version(conn);
    pgsync::refuse_newer_schema(conn, version);
    result.schema_created = version < pgsync::latest_server_schema_version();  // would be
    const auto& specs = pgsync::table_specs();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        SyncTableResult t;
        t.table = specs[i].name;
        pgsync::RemoteMark mark;
        if (version > 0) mark = pgsync::read_remote_mark(conn, source_id, specs[i].name);
        pgsync::check_same_file(db, specs[i], source_id, options.db_path.string(), mark);
        t.sent = pgsync::count_rows(db, specs[i], mark.high_water_mark, targets[i]);
        t.left = t.sent;
        result.tables.push_back(t);
    }
    return result;
}

// The store file is locked by another writer for longer than the busy timeout: nothing was changed,
// and the next attempt may well succeed (sync_watch carries on).
class StoreBusyError : public StoreError {
public:
    using StoreError::StoreError;
};

bool is_busy_code(int code)
{
    const int primary = code & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

bool says_busy(const std::string& message)
{
    return message.find(sqlite3_errstr(SQLITE_BUSY)) != std::string::npos ||
           message.find(sqlite3_errstr(SQLITE_LOCKED)) != std::string::npos;
}

[[noreturn]] void throw_store_error(const std::filesystem::path& path, const SQLite::Exception& e)
{
    const std::string message = path.string() + ": cannot read store: " + e.what();
    if (is_busy_code(e.getErrorCode())) throw StoreBusyError(message);
    throw StoreError(message);
}

// Sync reads stores; it never creates or adopts one. open_store(read_write) turns an empty or
// foreign-but-table-less SQLite file (user_version 0) into a new store, so look first, read-only.
void refuse_non_store(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw StoreError(path.string() + ": no such store file");
    if (std::filesystem::is_directory(path, ec))
        throw StoreError(path.string() + ": is a directory, not a store file");
    int version = 0;
    try {
        SQLite::Database probe(path.string(), SQLite::OPEN_READONLY, store::busy_timeout_ms);
        version = probe.execAndGet("PRAGMA user_version").getInt();
    } catch (const SQLite::Exception& e) {
        const std::string message = path.string() + ": cannot open store: " + e.what();
        if (is_busy_code(e.getErrorCode())) throw StoreBusyError(message);
        throw StoreError(message);
    }
    if (version == 0) throw StoreError(path.string() + ": not a benchstore store");
}

SyncResult run_sync(const SyncOptions& options, bool* source_id_written)
{
    const auto start = Clock::now();
    if (options.batch_rows < 1) throw InvalidArgument("batch rows must be at least 1");
    if (options.statement_timeout < std::chrono::seconds(1) || options.statement_timeout > max_statement_timeout)
        throw InvalidArgument("statement timeout must be between 1 and " +
                              std::to_string(max_statement_timeout.count()) + " seconds");
    refuse_non_store(options.db_path);
    const bool dry = options.dry_run == DryRun::yes;
    auto db = [&] {
        try {
            return store::open_store(options.db_path, dry ? store::OpenMode::read_only : store::OpenMode::read_write);
        } catch (const NewerSchemaError&) {
            throw;
        } catch (const StoreError& e) {
            if (says_busy(e.what())) throw StoreBusyError(e.what());
            throw;
        }
    }();
    std::string source_id;
    std::vector<std::int64_t> targets;
    try {
        if (options.new_source_id && !dry) {
            write_new_source_id(db);
            if (source_id_written != nullptr) *source_id_written = true;
        }
        source_id = read_store_source_id(db, options.db_path);
        targets = pgsync::read_targets(db);
    } catch (const SQLite::Exception& e) {
        throw_store_error(options.db_path, e);
    }

    pgsync::PgConnection conn(options.conninfo, options.statement_timeout);
    if (dry) {
        auto result = dry_run(conn, db, options, source_id, targets);
        result.seconds = seconds_since(start);
        return result;
    }

    SyncResult result;
    result.source_id = source_id;
    result.server = conn.server();
    result.schema_created = pgsync::migrate_server_schema(conn);
    conn.exec("SET temp_buffers = '64MB'");
    const auto& specs = pgsync::table_specs();
    for (const auto& spec : specs) conn.exec(spec.stage_ddl);
    for (const auto& spec : specs)
        conn.exec("INSERT INTO sync_state (source_id, table_name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                  {source_id, spec.name});

    try {
        for (std::size_t i = 0; i < specs.size() && !result.stopped; ++i) {
            SyncTableResult t;
            t.table = specs[i].name;
            const auto table_start = Clock::now();
            pgsync::TableSync table(conn, db, specs[i], source_id, options.db_path.string(), targets[i],
                                  options.batch_rows, options.stop);
            result.stopped = !table.run(t, result.rejects);
            t.seconds = seconds_since(table_start);
            result.tables.push_back(t);
        }
        for (std::size_t i = 0; i < specs.size(); ++i) {
            if (i >= result.tables.size()) {
                SyncTableResult t;
                t.table = specs[i].name;
                result.tables.push_back(t);
            }
            // A mark past this run's target counts from the target: rows above it are only known
            // to be on the server when this file sent them, and "left" must never say 0 for rows
            // that are not there.
            const auto mark = pgsync::read_remote_mark(conn, source_id, specs[i].name);
            result.tables[i].left =
                pgsync::count_rows(db, specs[i], std::min(mark.high_water_mark, targets[i]), INT64_MAX);
        }
    } catch (const SQLite::Exception& e) {
        throw_store_error(options.db_path, e);
    }
    result.seconds = seconds_since(start);
    return result;
}

} // namespace

SyncResult sync(const SyncOptions& options) { return run_sync(options, nullptr); }

std::vector<std::string> format_sync_report(const SyncResult& result, DryRun dry_run)
{
    std::vector<std::string> lines;
    char buf[512];
    const bool dry = dry_run == DryRun::yes;
    std::snprintf(buf, sizeof buf, "%s %s (source %s) -> %s%s", dry ? "would sync" : "synced", "store",
                  result.source_id.c_str(), result.server.c_str(),
                  result.schema_created ? (dry ? " (schema would be created)" : " (schema created)") : "");
    lines.emplace_back(buf);
    for (const auto& t : result.tables) {
        if (dry) {
            std::snprintf(buf, sizeof buf, "  %-25s %10lld rows would be sent", t.table.c_str(),
                          static_cast<long long>(t.sent));
        } else {
            std::snprintf(buf, sizeof buf,
                          "  %-25s %10lld sent %8lld already there %6lld rejected %12.0f rows/s %10lld left",
                          t.table.c_str(), static_cast<long long>(t.sent), static_cast<long long>(t.skipped),
                          static_cast<long long>(t.rejected), t.rows_per_second(), static_cast<long long>(t.left));
        }
        lines.emplace_back(buf);
    }
    for (const auto& r : result.rejects) {
        lines.push_back("  rejected " + r.table + " row " + std::to_string(r.local_id) + " of benchmark " +
                        r.benchmark_id + ": " + r.error);
    }
    std::snprintf(buf, sizeof buf, "  %.3f s%s", result.seconds, result.stopped ? " (stopped before the end)" : "");
    lines.emplace_back(buf);
    return lines;
}

void sync_watch(const SyncOptions& options, std::chrono::milliseconds interval,
                const std::function<void(const SyncResult&)>& on_result,
                const std::function<void(const std::exception&)>& on_error)
{
    if (!(interval > std::chrono::milliseconds(0)) || interval > max_watch_interval)
        throw InvalidArgument("watch interval must be more than 0 and at most " +
                              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(max_watch_interval).count()) +
                              " seconds");
    auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };
    SyncOptions once = options;
    while (!stopped()) {
        bool written = false;
        try {
            on_result(run_sync(once, &written));
        } catch (const ConnectionError& e) {
            on_error(e);
        } catch (const StoreBusyError& e) {
            on_error(e);  // another writer held the file: nothing changed, try again next time
        }
        if (written) once.new_source_id = false;  // only ever once, whatever came after
        const auto until = Clock::now() + interval;
        while (!stopped() && Clock::now() < until)
            std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
    }
}

} // namespace benchstore
