#include "store/sqlite_store.hpp"

#include <chrono>
#include <string>
#include <thread>

#include <sqlite3.h>
#include <unistd.h>

#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "benchstore/store.hpp"
#include "benchstore/sqlite_migrations.hpp"
#include "benchstore/timestamp.hpp"
#include "core/uuid.hpp"
#include "store/query.hpp"
#include "store/store_info.hpp"

namespace benchstore {
namespace store {
namespace {

constexpr int latest_version = static_cast<int>(sqlite_schema::migrations.size());
// The oldest version a read-only open (export) can read as it is, without migrating it. Every migration
// so far only adds (version 2: an index; version 3: benchmarks.host_info, which readers select through
// host_info_select), so the queries of today read version 1 files too. Raise this
// when a migration changes what readers see.
constexpr int oldest_readable_version = 1;

std::string describe(const std::filesystem::path& path) { return path.string(); }

int user_version(SQLite::Database& db)
{
    return db.execAndGet("PRAGMA user_version").getInt();
}

// A file with tables but user_version 0 belongs to something else: never adopt it.
bool has_foreign_tables(SQLite::Database& db)
{
    return db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").getInt() > 0;
}

// Tables but no version, read in one snapshot: another process may be creating the store right now.
bool is_foreign(SQLite::Database& db)
{
    return with_read_transaction(db, [&] { return user_version(db) == 0 && has_foreign_tables(db); });
}

void refuse_newer(const std::filesystem::path& path, int version)
{
    throw NewerSchemaError(describe(path) + ": written by a newer benchstore (store version " +
                           std::to_string(version) + ", this program knows up to " +
                           std::to_string(latest_version) + "); upgrade benchstore to use it");
}

// Switches a new file to WAL. On a brand-new file two connections switching at once get SQLITE_BUSY
// without SQLite's busy handler being consulted, so wait here, as long as the busy timeout allows.
void ensure_wal(SQLite::Database& db, const std::filesystem::path& path)
{
    if (db.execAndGet("PRAGMA journal_mode").getString() == "wal") return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
    for (;;) {
        try {
            if (db.execAndGet("PRAGMA journal_mode = WAL").getString() != "wal")
                throw StoreError(describe(path) + ": cannot switch to WAL journal mode");
            return;
        } catch (const SQLite::Exception& e) {
            if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
}

void migrate(SQLite::Database& db, const std::filesystem::path& path)
{
    if (user_version(db) == latest_version) return;  // common case: no write lock needed
    with_write_transaction(db, [&] {
        const int version = user_version(db);  // re-read under the lock: another process may have migrated
        if (version > latest_version) refuse_newer(path, version);
        if (version == 0 && has_foreign_tables(db))
            throw StoreError(describe(path) + ": not a benchstore store (it has other tables)");
        for (int v = version; v < latest_version; ++v) db.exec(std::string(sqlite_schema::migrations[v]));
        if (version == 0) {
            SQLite::Statement info(db, "INSERT INTO store_info (key, value) VALUES (?, ?)");
            for (const auto& [key, value] : {std::pair{std::string("source_id"), make_uuid_v4()},
                                             std::pair{std::string("created_at"), format_timestamp(now_utc())}}) {
                info.bind(1, key);
                info.bind(2, value);
                info.exec();
                info.reset();
            }
        }
        db.exec("PRAGMA user_version = " + std::to_string(latest_version));
    });
}

// "file:" URI of path, with the characters a URI gives a meaning to escaped.
std::string file_uri(const std::filesystem::path& path)
{
    std::string uri = "file:";
    for (const char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#') {
            static const char* hex = "0123456789ABCDEF";
            uri += '%';
            uri += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            uri += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
            uri += c;
        }
    }
    return uri;
}

// How a reader opens a store (export, sync, the runner's ledger), so that it works wherever it can read
// the file and leaves nothing behind:
//  - file and folder writable: read-write with query_only. The last connection to close then removes
//    the -wal and -shm files that WAL mode makes (a read-only connection would leave them behind);
//  - not writable, no write-ahead log with content beside it: immutable=1. SQLite reads the main file
//    with no locks and no -shm: right for a read-only mount or a finished store of another user, which
//    nobody writes meanwhile (a writer would have a -wal file with content);
//  - not writable, with a -wal with content (a store being written, or one whose writer died): a plain
//    read-only open, which works when the -shm beside it can be read; else a StoreError saying what to do.
struct ReaderOpen {
    std::string name;
    int flags = SQLite::OPEN_READONLY;
    bool hot_wal_read_only = false;
};

ReaderOpen reader_open(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    if (::access(path.c_str(), W_OK) == 0 && ::access(folder.c_str(), W_OK) == 0)
        return {path.string(), SQLite::OPEN_READWRITE, false};
    const auto wal = std::filesystem::file_size(path.string() + "-wal", ec);
    if (ec || wal == 0) return {file_uri(path) + "?immutable=1", SQLite::OPEN_READONLY | SQLite::OPEN_URI, false};
    return {path.string(), SQLite::OPEN_READONLY, true};
}

} // namespace

SQLite::Database open_store(const std::filesystem::path& path, OpenMode mode, Threads threads)
{
    const bool read_only = mode == OpenMode::read_only;
    std::error_code ec;
    if (read_only && !std::filesystem::exists(path, ec))
        throw StoreError(describe(path) + ": no such store file");
    if (std::filesystem::is_directory(path, ec))
        throw StoreError(describe(path) + ": is a directory, not a store file");
    const ReaderOpen reader = read_only ? reader_open(path) : ReaderOpen{path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    try {
        const int mutex = threads == Threads::shared ? SQLite::OPEN_FULLMUTEX : SQLite::OPEN_NOMUTEX;
        SQLite::Database db(reader.name, reader.flags | mutex, busy_timeout_ms);
        // The first read tells a non-database file from a store.
        const int version = user_version(db);
        if (version > latest_version) refuse_newer(path, version);
        if (read_only) {
            if (version == 0)
                throw StoreError(describe(path) + ": not a benchstore store");
            if (version < oldest_readable_version)
                throw StoreError(describe(path) + ": written by an older benchstore (store version " +
                                 std::to_string(version) + "); open it once with benchstore-run or "
                                 "benchstore-sync to migrate it");
            db.exec("PRAGMA query_only = ON");
        } else {
            // Never touch a file that is not ours: refuse it before switching its journal mode.
            if (version == 0 && is_foreign(db))
                throw StoreError(describe(path) + ": not a benchstore store (it has other tables)");
            ensure_wal(db, path);
            db.exec("PRAGMA synchronous = FULL");
            db.exec("PRAGMA foreign_keys = ON");
            migrate(db, path);
        }
        return db;
    } catch (const Error&) {
        throw;
    } catch (const SQLite::Exception& e) {
        if (reader.hot_wal_read_only)
            throw StoreError(describe(path) + ": cannot be read here: its write-ahead log (" + describe(path) +
                             "-wal) holds changes not yet in the file, and recovering them needs write access "
                             "to the file and its folder (" + e.what() + "). Run this where they are writable "
                             "(copy " + path.filename().string() + " and " + path.filename().string() +
                             "-wal together), or have the owner run benchstore-export --copy-to on it");
        throw StoreError(describe(path) + ": cannot open store: " + e.what());
    }
}

bool has_table(SQLite::Database& db, const std::string& schema, const std::string& table)
{
    return query_integer(db, "SELECT count(*) FROM \"" + schema + "\".sqlite_master WHERE type = 'table' AND name = ?",
                         {table}) > 0;
}

bool has_column(SQLite::Database& db, const std::string& schema, const std::string& table, const std::string& column)
{
    return query_integer(db, "SELECT count(*) FROM pragma_table_info(?, ?) WHERE name = ?", {table, schema, column}) > 0;
}

} // namespace store

int latest_store_version() { return store::latest_version; }

} // namespace benchstore
