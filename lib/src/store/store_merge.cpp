#include "store/store_merge.hpp"

#include <array>
#include <fstream>

#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "store/query.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore::store {
namespace {

// The tables that carry rows with an identity, in the order they are copied (benchmarks first: the
// others refer to them), with the merge_origins column holding how far this store already has each.
struct RowTable {
    const char* name;
    const char* held;     // merge_origins column
    const char* columns;  // copied as they are, besides benchmark_ref and the identity
};
constexpr std::array<RowTable, 3> row_tables{{
    {"benchmark_status_changes", "held_status", "status, status_reason, time"},
    {"device_measurements", "held_device", "cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time"},
    {"model_measurements", "held_model", "measurements, time"},
}};


class Merge {
public:
    Merge(SQLite::Database& db, const std::filesystem::path& file, ImportResult& result)
        : m_db(db), m_file(file), m_result(result)
    {
        m_origins = has_column(db, "source", "benchmarks", "origin");
        // A store of schema 4 or older holds only its own rows.
        m_origin = m_origins ? "coalesce(s.origin, 0)" : "0";
        m_origin_id = m_origins ? "coalesce(s.origin_id, s.id)" : "s.id";
    }

    // Rows copied by run(), of every table.
    std::int64_t copied() const { return m_copied; }

    void run()
    {
        map_origins();
        refuse_diverged_copies();
        copy_imports();
        copy_benchmarks();
        map_benchmarks();
        const std::int64_t status_before = query_integer(m_db, "SELECT coalesce(max(id), 0) FROM main.benchmark_status_changes", {});
        check_references();
        for (const auto& t : row_tables) {
            // The table's indexes stay in place: the rows arrive in id order, grouped by benchmark, so
            // each index grows at its end; dropping them and making them again after (a sort of every
            // row) measured slower.
            const int copied = m_db.exec(std::string("INSERT INTO main.") + t.name + " (benchmark_ref, " + t.columns +
                                         ", origin, origin_id) " + copy_select(t));
            m_copied += copied;
            if (std::string(t.name) == "device_measurements") m_result.device_rows = static_cast<std::size_t>(copied);
            if (std::string(t.name) == "model_measurements") m_result.model_rows = static_cast<std::size_t>(copied);
        }
        settle_statuses(status_before);
        copy_runs();
    }

private:
    // The SELECT that copies the new rows of table t. A source holding only its own rows (the common
    // case: a machine's store) needs no per-row lookup of the origin: its one origin's values go in as
    // constants.
    std::string copy_select(const RowTable& t)
    {
        const std::string from = " FROM source." + std::string(t.name) + " s CROSS JOIN temp.merge_refs r WHERE ";
        if (!m_origins || query_integer(m_db, "SELECT count(*) FROM source.origins", {}) == 0) {
            Query m(m_db, std::string("SELECT own AS own, dst AS dst, ") + t.held + " AS held FROM temp.merge_origins "
                    "WHERE src = 0");
            m.step();
            // This store's own rows coming back are here already: nothing to copy.
            const bool own = m.integer(m.column("own")) != 0;
            const std::string dst(m.text(m.column("dst"))), held(m.text(m.column("held")));
            return "SELECT r.dst, " + qualified(t.columns) + ", " + (own ? std::string("NULL") : dst) +
                   ", s.id" + from + (own ? "0 AND " : "") + "s.id > " + held +
                   (m_origins ? " AND s.origin IS NULL" : "") + " AND r.src = s.benchmark_ref ORDER BY s.id";
        }
        return "SELECT r.dst, " + qualified(t.columns) + ", m.dst, " + m_origin_id + " FROM source." + t.name +
               " s CROSS JOIN temp.merge_origins m CROSS JOIN temp.merge_refs r WHERE m.src = " + m_origin +
               " AND m.own = 0 AND " + m_origin_id + " > m." + t.held + " AND r.src = s.benchmark_ref ORDER BY s.id";
    }

    // "a, b" -> "s.a, s.b"
    static std::string qualified(const std::string& columns)
    {
        std::string out = "s.";
        for (const char c : columns) {
            out += c;
            if (c == ' ') out += "s.";
        }
        return out;
    }

    std::string held_of(const char* table, const char* own_condition)
    {
        return std::string("coalesce(CASE WHEN own THEN (SELECT id FROM main.") + table + " WHERE " + own_condition +
               " ORDER BY id DESC LIMIT 1) ELSE (SELECT origin_id FROM main." + table +
               " WHERE origin = merge_origins.dst ORDER BY origin_id DESC LIMIT 1) END, 0)";
    }

    // Each store the source holds rows of (itself: 0, and its origins), as an origin of this store;
    // `own` marks this store's own rows coming back (a copy of it was merged somewhere and back here).
    void map_origins()
    {
        m_db.exec("CREATE TEMP TABLE merge_origins (src INTEGER PRIMARY KEY, source_id TEXT NOT NULL, dst INTEGER, "
                  "own INTEGER NOT NULL DEFAULT 0, held_benchmarks INTEGER, held_status INTEGER, held_device INTEGER, "
                  "held_model INTEGER)");
        m_db.exec("INSERT INTO temp.merge_origins (src, source_id) SELECT 0, value FROM source.store_info "
                  "WHERE key = 'source_id'");
        if (m_origins)
            m_db.exec("INSERT INTO temp.merge_origins (src, source_id) SELECT id, source_id FROM source.origins");
        m_db.exec("UPDATE temp.merge_origins SET own = 1 WHERE source_id = (SELECT value FROM main.store_info "
                  "WHERE key = 'source_id')");
        m_db.exec("INSERT OR IGNORE INTO main.origins (source_id) SELECT source_id FROM temp.merge_origins WHERE own = 0");
        m_db.exec("UPDATE temp.merge_origins SET dst = (SELECT o.id FROM main.origins o WHERE o.source_id = "
                  "merge_origins.source_id) WHERE own = 0");
        // Rows of a store arrive in id order and a store's snapshot holds all of its rows up to some
        // id: what this store has of an origin is everything up to the highest id it has.
        const char* own = "origin IS NULL";
        m_db.exec("UPDATE temp.merge_origins SET held_benchmarks = " + held_of("benchmarks", own) +
                  ", held_status = " + held_of("benchmark_status_changes", own) +
                  ", held_device = " + held_of("device_measurements", own) +
                  ", held_model = " + held_of("model_measurements", own));
    }

    // The source's row at the highest identity this store holds of an origin must be the same row:
    // otherwise two stores wrote different rows under one identity (a copy written to on its own), and
    // sync would refuse them too.
    void refuse_diverged_copies()
    {
        Query origins(m_db, "SELECT src AS src, own AS own, dst AS dst, source_id AS source_id, held_benchmarks AS "
                            "held_benchmarks, held_model AS held_model, held_device AS held_device FROM temp.merge_origins");
        const Column src_column = origins.column("src"), own_column = origins.column("own"),
                     dst_column = origins.column("dst"), source_id_column = origins.column("source_id"),
                     held_benchmarks = origins.column("held_benchmarks"), held_model = origins.column("held_model"),
                     held_device = origins.column("held_device");
        while (origins.step()) {
            const std::int64_t src = origins.integer(src_column);
            const bool own = origins.integer(own_column) != 0;
            const std::string source_id(origins.text(source_id_column));
            const std::int64_t dst = origins.integer(dst_column);  // NULL (0) for this store's own rows
            check_row(src, own, dst, source_id, "benchmarks", "x.benchmark_id || ' ' || x.created_at", false,
                      origins.integer(held_benchmarks));
            check_row(src, own, dst, source_id, "model_measurements",
                      "b.benchmark_id || ' ' || x.time || ' ' || x.measurements", true, origins.integer(held_model));
            check_row(src, own, dst, source_id, "device_measurements", "b.benchmark_id || ' ' || x.time", true,
                      origins.integer(held_device));
            // This store's own rows come back only as far as it has them.
            if (own) {
                for (const auto* table : {"benchmarks", "benchmark_status_changes", "device_measurements", "model_measurements"}) {
                    const std::string own_held = std::string("(SELECT coalesce(max(id), 0) FROM main.") + table + ")";
                    const std::int64_t beyond = query_integer(
                        m_db, std::string("SELECT count(*) FROM source.") + table + " s WHERE " + m_origin + " = ? AND " +
                                  m_origin_id + " > " + own_held,
                        {std::to_string(src)});
                    if (beyond > 0)
                        throw InvalidArgument(m_file.string() + ": holds " + table + " rows of this store (source " +
                                              source_id + ") that this store does not have: a copy of it that was "
                                              "written to; sync it, or give it a new source id first "
                                              "(benchstore-sync --new-source-id)");
                }
            }
        }
    }

    // fingerprint: an expression over the row (x) and, with via_benchmark, its benchmark (b).
    void check_row(std::int64_t src, bool own, std::int64_t dst, const std::string& source_id,
                   const std::string& table, const std::string& fingerprint, bool via_benchmark, std::int64_t held)
    {
        if (held == 0) return;
        auto from = [&](const std::string& schema) {
            return " FROM " + schema + "." + table + " x" +
                   (via_benchmark ? " JOIN " + schema + ".benchmarks b ON b.id = x.benchmark_ref" : std::string());
        };
        const std::string source_where = src == 0 ? "x.id = ?" + std::string(m_origins ? " AND x.origin IS NULL" : "")
                                                  : "x.origin = " + std::to_string(src) + " AND x.origin_id = ?";
        Query theirs(m_db, "SELECT " + fingerprint + " AS fingerprint" + from("source") + " WHERE " + source_where,
                     {std::to_string(held)});
        if (!theirs.step()) return;  // an older copy: it ends below what this store has
        const std::string mine_where = own ? "x.id = ? AND x.origin IS NULL"
                                           : "x.origin = " + std::to_string(dst) + " AND x.origin_id = ?";
        Query mine(m_db, "SELECT " + fingerprint + " AS fingerprint" + from("main") + " WHERE " + mine_where,
                   {std::to_string(held)});
        if (mine.step() && mine.text(mine.column("fingerprint")) == theirs.text(theirs.column("fingerprint"))) return;
        throw InvalidArgument(m_file.string() + ": its " + table + " row " + std::to_string(held) + " of store " +
                              source_id + " differs from the one this store holds under that identity: two copies "
                              "of that store were written to separately; nothing was merged");
    }

    void copy_imports()
    {
        if (!has_table(m_db, "source", "imports")) return;
        m_db.exec("INSERT OR IGNORE INTO main.imports (content_sha256, format, file_name, file_time, imported_at, "
                  "run_id, details) SELECT content_sha256, format, file_name, file_time, imported_at, run_id, details "
                  "FROM source.imports ORDER BY id");
    }

    void copy_benchmarks()
    {
        const bool host_info = has_column(m_db, "source", "benchmarks", "host_info");
        const bool imports = has_column(m_db, "source", "benchmarks", "import_ref");
        const int copied = m_db.exec(
            "INSERT INTO main.benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, "
            "created_at, host, run_id, module, status, status_reason, finished_at, host_info, import_ref, origin, "
            "origin_id) SELECT s.benchmark_id, s.repository, s.branch, s.commit_id, s.commit_message, s.metadata, "
            "s.created_at, s.host, s.run_id, s.module, s.status, s.status_reason, s.finished_at, " +
            std::string(host_info ? "s.host_info" : "NULL") + ", " +
            (imports ? "(SELECT d.id FROM main.imports d JOIN source.imports i ON i.content_sha256 = d.content_sha256 "
                       "WHERE i.id = s.import_ref)"
                     : "NULL") +
            ", m.dst, " + m_origin_id + " FROM source.benchmarks s CROSS JOIN temp.merge_origins m WHERE m.src = " +
            m_origin + " AND m.own = 0 AND " + m_origin_id + " > m.held_benchmarks ORDER BY s.id");
        m_result.benchmarks = static_cast<std::size_t>(copied);
        m_copied += copied;
    }

    // Source benchmark id -> this store's, for every benchmark of the source (new rows of benchmarks
    // merged before belong to them too).
    void map_benchmarks()
    {
        m_db.exec("CREATE TEMP TABLE merge_refs (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL)");
        m_db.exec("INSERT INTO temp.merge_refs (src, dst) SELECT s.id, d.id FROM source.benchmarks s "
                  "JOIN main.benchmarks d ON d.benchmark_id = s.benchmark_id");
    }

    // The rows are copied with the connection's foreign key checks off (merge_store): checked row by
    // row, they cost a lookup of the benchmark and one of the origin for each of millions of rows. Every
    // row's benchmark_ref is a merge_refs.dst and its origin a merge_origins.dst (the copy's inner
    // joins), so checking those few values checks every row.
    void check_references()
    {
        const auto dangling = query_integer(
            m_db,
            "SELECT (SELECT count(*) FROM temp.merge_refs r WHERE NOT EXISTS (SELECT 1 FROM main.benchmarks b "
            "WHERE b.id = r.dst)) + (SELECT count(*) FROM temp.merge_origins m WHERE m.own = 0 AND NOT EXISTS "
            "(SELECT 1 FROM main.origins o WHERE o.id = m.dst))",
            {});
        if (dangling != 0)
            throw StoreError(m_file.string() + ": merging it would leave rows referring to benchmarks or origins "
                             "this store does not have; nothing was merged");
        // The benchmarks copied refer to origins and imports: SQLite checks those few rows itself.
        if (query_integer(m_db, "SELECT count(*) FROM pragma_foreign_key_check('benchmarks', 'main')", {}) != 0)
            throw StoreError(m_file.string() + ": merging it would leave benchmarks referring to origins or imports "
                             "this store does not have; nothing was merged");
    }

    // Status changes merged now may be newer than the status a benchmark was merged with: each such
    // benchmark takes its newest change, as the store that recorded it did.
    void settle_statuses(std::int64_t status_before)
    {
        m_db.exec("UPDATE main.benchmarks SET (status, status_reason, finished_at) = (SELECT c.status, c.status_reason, "
                  "CASE WHEN c.status = 'running' THEN NULL ELSE c.time END FROM main.benchmark_status_changes c "
                  "WHERE c.benchmark_ref = benchmarks.id ORDER BY c.origin_id DESC LIMIT 1) "
                  "WHERE origin IS NOT NULL AND id IN (SELECT benchmark_ref FROM main.benchmark_status_changes WHERE id > " +
                  std::to_string(status_before) + ")");
    }

    void copy_runs()
    {
        if (has_table(m_db, "source", "runs"))
            m_db.exec("INSERT OR IGNORE INTO main.runs (run_id, host, boot_id, pid, pid_start, started_at) "
                      "SELECT run_id, host, boot_id, pid, pid_start, started_at FROM source.runs");
    }

    SQLite::Database& m_db;
    const std::filesystem::path& m_file;
    ImportResult& m_result;
    bool m_origins = false;
    std::string m_origin, m_origin_id;
    std::int64_t m_copied = 0;
};

} // namespace

bool is_sqlite_file(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    return in.gcount() == 16 && std::string(header, 16) == std::string("SQLite format 3\0", 16);
}

ImportResult merge_store(const ImportOptions& options, const std::filesystem::path& file)
{
    ImportResult result;
    result.file = file;
    result.format = ImportFormat::store;
    std::error_code ec;
    if (std::filesystem::equivalent(file, options.db_path, ec))
        throw InvalidArgument(file.string() + ": is the store itself");
    // Refuses a file that is not a store, or one from a newer benchstore, before anything is written.
    store::open_store(file, store::OpenMode::read_only);
    auto db = store::open_store(options.db_path, store::OpenMode::read_write, store::Threads::one_at_a_time);
    try {
        SQLite::Statement attach(db, "ATTACH DATABASE ? AS source");
        attach.bind(1, file.string());
        attach.exec();
        // Checked per benchmark and origin instead of per row (Merge::check_references). Set outside
        // the transaction, as SQLite requires; the connection is this merge's own.
        db.exec("PRAGMA foreign_keys = OFF");
        {
            // One write transaction here, one read snapshot of the source for all of it.
            store::Transaction tx(db, store::TransactionKind::write);
            Merge merge(db, file, result);
            merge.run();
            result.already_imported = merge.copied() == 0;
            db.exec("DROP TABLE temp.merge_origins");
            db.exec("DROP TABLE temp.merge_refs");
            tx.commit();
        }
        db.exec("DETACH DATABASE source");
    } catch (const SQLite::Exception& e) {
        throw StoreError(options.db_path.string() + ": merging " + file.string() + " failed: " + e.what());
    }
    return result;
}

} // namespace benchstore::store
