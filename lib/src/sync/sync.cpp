// sync(): one run over the four tables. See benchstore/sync.hpp for the contract.
#include "benchstore/sync.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include <sqlite3.h>

#include "benchstore/error.hpp"
#include "core/uuid.hpp"
#include "core/progress_line.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_info.hpp"
#include "sync/batch_reader.hpp"
#include "sync/partition_upkeep.hpp"
#include "sync/pg_adopt.hpp"
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
    const auto stored = store::read_source_id(db);
    if (!stored) throw StoreError(path.string() + ": store has no source id");
    const std::string& id = *stored;
    if (!is_uuid(id)) throw StoreError(path.string() + ": source id '" + id + "' is not a UUID");
    return id;
}

// The store holds UTF-8 text. A database in another encoding (LATIN1, SQL_ASCII, ...) refuses or
// mangles every row with non-ASCII text, and would strand the measurements of such benchmarks:
// refuse it before anything is sent or created.
void refuse_non_utf8_database(const sync_::PgConnection& conn)
{
    const std::string encoding = conn.parameter("server_encoding");
    if (encoding == "UTF8") return;
    throw ServerError("server " + conn.server() + ": the database's encoding is " +
                      (encoding.empty() ? std::string("unknown") : encoding) +
                      ", not UTF8; benchstore stores UTF-8 text, so sync needs a UTF8 database "
                      "(createdb -E UTF8 ...); nothing was sent");
}

// One view of the store (its own rows, or one merged store's) with its tables and what was
// committed of each when the sync started.
struct ViewPlan {
    sync_::StoreView view;
    std::vector<sync_::TableSpec> specs;
    std::vector<std::int64_t> targets;
};

// Every view's targets in one snapshot.
std::vector<ViewPlan> plan_views(SQLite::Database& db, const std::string& source_id)
{
    std::vector<ViewPlan> plans;
    store::with_read_transaction(db, [&] {
        for (auto& view : sync_::store_views(db, source_id)) {
            ViewPlan plan{std::move(view), {}, {}};
            plan.specs = sync_::table_specs(plan.view);
            for (const auto& spec : plan.specs) plan.targets.push_back(sync_::max_id(db, spec));
            plans.push_back(std::move(plan));
        }
    });
    return plans;
}

// One line per table: the views' figures added up. An older copy is reported for the store's own rows
// only: a merged store holding less of another store than the server is the usual case.
void add_table(SyncResult& result, std::size_t i, const SyncTableResult& t, bool own_view)
{
    if (result.tables.size() <= i) {
        SyncTableResult empty;
        empty.table = t.table;
        result.tables.push_back(empty);
    }
    auto& sum = result.tables[i];
    sum.sent += t.sent;
    sum.skipped += t.skipped;
    sum.rejected += t.rejected;
    sum.held += t.held;
    sum.left += t.left;
    sum.seconds += t.seconds;
    if (own_view) sum.older_copy = t.older_copy;
}

SyncResult dry_run(sync_::PgConnection& conn, SQLite::Database& db, const SyncOptions& options,
                   const std::string& source_id, const std::vector<ViewPlan>& plans)
{
    SyncResult result;
    result.source_id = source_id;
    result.server = conn.server();
    const int version = sync_::server_schema_version(conn);
    sync_::refuse_newer_schema(conn, version);
    result.schema_created = version < sync_::latest_server_schema_version();  // would be
    if (version == 0 && sync_::has_existing_tables(conn))
        for (const auto& step : sync_::plan_adoption(conn)) result.adoption.push_back(step.description);
    for (const auto& plan : plans) {
        for (std::size_t i = 0; i < plan.specs.size(); ++i) {
            SyncTableResult t;
            t.table = plan.specs[i].name;
            sync_::RemoteMark mark;
            if (version > 0) mark = sync_::read_remote_mark(conn, plan.view.source_id, plan.specs[i].name);
            t.older_copy = sync_::check_same_file(conn, db, plan.specs[i], plan.view.source_id,
                                                   options.db_path.string(), mark) == sync_::FileMatch::older;
            t.sent = sync_::count_rows(db, plan.specs[i], mark.high_water_mark, plan.targets[i]);
            t.left = t.sent;
            add_table(result, i, t, !plan.view.rows.origin);
        }
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

// The read layer (store::Query) reports SQLite's message, not its code: a locked store is told by it.
[[noreturn]] void rethrow_as_busy_when_busy(const StoreError& e)
{
    if (says_busy(e.what()) && dynamic_cast<const StoreBusyError*>(&e) == nullptr) throw StoreBusyError(e.what());
    throw;
}

// Sync reads stores; it never creates or adopts one. open_store(read_write) turns an empty or
// foreign-but-table-less SQLite file (user_version 0) into a new store, so look first, read-only
// (which also works on a store the user cannot write, and leaves no -wal/-shm files beside it).
void refuse_non_store(const std::filesystem::path& path)
{
    try {
        store::open_store(path, store::OpenMode::read_only);
    } catch (const NewerSchemaError&) {
        throw;
    } catch (const StoreError& e) {
        rethrow_as_busy_when_busy(e);
    }
}

// One transaction that writes (when the store file last synced: its benchmarks row of sync_state,
// which run_sync inserted, so this always writes) and commits with synchronous_commit on: its commit
// waits until the WAL up to it is on disk, and with it every transaction this session committed
// before (WAL is flushed in order).
void wait_for_durable_commits(sync_::PgConnection& conn, const std::string& source_id)
{
    sync_::PgTransaction tx(conn);
    conn.exec("SET LOCAL synchronous_commit = on");
    conn.exec("INSERT INTO sync_state (source_id, table_name) VALUES ($1, 'benchmarks') "
              "ON CONFLICT (source_id, table_name) DO UPDATE SET updated_at = now()",
              {source_id});
    tx.commit();
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
            // Only a new source id writes to the store: otherwise read, so read-only stores sync too.
            const bool writes = options.new_source_id && !dry;
            // One thread at a time: a table's next batch is read on another thread while the
            // server loads this one, never while this thread reads (lib/src/sync/table_sync.cpp).
            return store::open_store(options.db_path, writes ? store::OpenMode::read_write : store::OpenMode::read_only,
                                     store::Threads::one_at_a_time);
        } catch (const NewerSchemaError&) {
            throw;
        } catch (const StoreError& e) {
            rethrow_as_busy_when_busy(e);
        }
    }();
    std::string source_id;
    std::vector<ViewPlan> plans;
    try {
        if (options.new_source_id && !dry) {
            store::write_source_id(db, make_uuid_v4());
            if (source_id_written != nullptr) *source_id_written = true;
        }
        source_id = read_store_source_id(db, options.db_path);
        plans = plan_views(db, source_id);
    } catch (const SQLite::Exception& e) {
        throw_store_error(options.db_path, e);
    } catch (const StoreError& e) {
        rethrow_as_busy_when_busy(e);
    }

    sync_::PgConnection conn(options.conninfo, options.statement_timeout);
    refuse_non_utf8_database(conn);
    if (dry) {
        auto result = dry_run(conn, db, options, source_id, plans);
        result.seconds = seconds_since(start);
        return result;
    }

    SyncResult result;
    result.source_id = source_id;
    result.server = conn.server();
    const auto schema = sync_::migrate_server_schema(conn);
    result.schema_created = schema.applied;
    result.adoption = schema.adoption;
    // Batch commits need not wait for the server's disk: a server that crashes loses a batch
    // together with the high-water mark that counts it (one transaction), so the next sync sends
    // those rows again, and exactly-once holds. wait_for_durable_commits ends the run with one
    // commit that waits, and so makes every earlier one durable before sync reports. It saves the
    // load a WAL flush per batch, done meanwhile by the server's WAL writer.
    conn.exec("SET temp_buffers = '64MB'; SET synchronous_commit = off");
    const auto id_column = sync_::benchmark_id_column(conn);
    for (const auto& spec : plans.front().specs) conn.exec(sync_::stage_ddl(spec, id_column));
    for (const auto& plan : plans)
        for (const auto& spec : plan.specs)
            conn.exec("INSERT INTO sync_state (source_id, table_name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                      {plan.view.source_id, spec.name});

    ProgressLine progress(stdout, options.show_progress == ShowProgress::on_terminal ? ProgressLine::Terminal::detect
                                                                                      : ProgressLine::Terminal::no);
    try {
        // The store's own rows first, then each merged store's under its own source id.
        for (const auto& plan : plans) {
            const auto& specs = plan.specs;
            for (std::size_t i = 0; i < specs.size() && !result.stopped; ++i) {
                SyncTableResult t;
                t.table = specs[i].name;
                const auto table_start = Clock::now();
                sync_::prepare_partitions(conn, db, specs[i], plan.view.source_id, plan.targets[i]);
                sync_::TableSync table(conn, db, specs[i], plan.view.source_id, options.db_path.string(),
                                        plan.targets[i], options.batch_rows, options.stop, &progress);
                result.stopped = !table.run(t, result.rejects, result.held);
                sync_::settle_partitions(conn, specs[i]);
                t.seconds = seconds_since(table_start);
                add_table(result, i, t, !plan.view.rows.origin);
            }
        }
        wait_for_durable_commits(conn, source_id);
        progress.clear();
        for (const auto& plan : plans) {
            for (std::size_t i = 0; i < plan.specs.size(); ++i) {
                // A mark past this run's target counts from the target: rows above it are only known
                // to be on the server when this file sent them, and "left" must never say 0 for rows
                // that are not there.
                SyncTableResult t;
                t.table = plan.specs[i].name;
                const auto mark = sync_::read_remote_mark(conn, plan.view.source_id, plan.specs[i].name);
                t.left = sync_::count_rows(db, plan.specs[i], std::min(mark.high_water_mark, plan.targets[i]), INT64_MAX);
                add_table(result, i, t, false);
            }
        }
    } catch (const SQLite::Exception& e) {
        throw_store_error(options.db_path, e);
    } catch (const StoreError& e) {
        rethrow_as_busy_when_busy(e);
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
                  !result.adoption.empty() ? (dry ? " (existing database would be adopted)" : " (existing database adopted)")
                  : result.schema_created ? (dry ? " (schema would be created)" : " (schema created)") : "");
    lines.emplace_back(buf);
    for (const auto& step : result.adoption) lines.push_back("  adopt: " + step);
    std::string older;
    for (const auto& t : result.tables)
        if (t.older_copy) older += (older.empty() ? "" : ", ") + t.table;
    if (!older.empty())
        lines.push_back("  an older copy of this store file: the server already holds all of its " + older +
                        " rows, and newer ones from a newer copy; nothing of them to send");
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
    for (const auto& h : result.held) {
        lines.push_back("  held back " + std::to_string(h.rows) + " " + h.table + " rows of benchmark " +
                        h.benchmark_id + ": the benchmark is not on the server; a later sync sends them once it is");
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
