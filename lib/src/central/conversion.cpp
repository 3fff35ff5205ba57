#include "central/conversion.hpp"

#include <optional>

#include "benchstore/error.hpp"
#include "central/partitioned_copy.hpp"
#include "central/partitions.hpp"

namespace benchstore::central {
namespace {

using sync_::PgStatementError;
using sync_::PgTransaction;
using Clock = std::chrono::steady_clock;

struct Progress {
    std::string twin;
    std::int64_t boundary_id = 0;
    std::int64_t blocks = 0;
    std::int64_t next_block = 0;
    std::string filenode;
    bool finished = false;
};

std::optional<Progress> read_progress(PgConnection& conn, const std::string& table, bool for_update = false)
{
    // A dry run on a database whose schema predates the table (nothing was migrated).
    if (conn.exec("SELECT to_regclass('benchstore_partition_conversions') IS NULL AS missing").text(0, "missing") ==
        "t")
        return std::nullopt;
    auto r = conn.exec("SELECT twin_name, boundary_id, blocks, next_block, filenode, "
                       "finished_at IS NOT NULL AS finished "
                       "FROM benchstore_partition_conversions WHERE table_name = $1" +
                           std::string(for_update ? " FOR UPDATE" : ""),
                       {table});
    if (r.rows() == 0) return std::nullopt;
    return Progress{r.text(0, "twin_name"),  r.integer(0, "boundary_id"), r.integer(0, "blocks"),
                    r.integer(0, "next_block"), r.text(0, "filenode"),       r.text(0, "finished") == "t"};
}

std::string mirror_function(const std::string& table) { return "benchstore_convert_mirror_" + table; }

void lock_timeout(PgConnection& conn, std::chrono::milliseconds timeout)
{
    conn.exec("SET LOCAL lock_timeout = " + std::to_string(timeout.count()));
}

[[noreturn]] void refuse(const std::string& table, const std::vector<std::string>& obstacles)
{
    std::string text;
    for (const auto& o : obstacles) text += (text.empty() ? "" : "; ") + o;
    throw ServerError("cannot convert " + table + ": " + text + "; nothing was changed");
}

void set_up(PgConnection& conn, const std::string& table, const std::string& twin, const CentralOptions& options)
{
    PgTransaction tx(conn);
    lock_timeout(conn, options.lock_timeout);
    conn.exec("LOCK TABLE " + ident(table) + " IN SHARE ROW EXCLUSIVE MODE");
    if (const auto obstacles = conversion_obstacles(conn, table); !obstacles.empty()) refuse(table, obstacles);
    create_partitioned_twin(conn, table, twin);
    const std::string columns = copied_columns(conn, table);
    conn.exec("CREATE FUNCTION " + ident(mirror_function(table)) + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN " +
              "INSERT INTO " + ident(twin) + " (" + columns + ") SELECT " + columns +
              " FROM benchstore_new_rows ON CONFLICT DO NOTHING; RETURN NULL; END $f$");
    conn.exec("CREATE TRIGGER benchstore_convert_mirror AFTER INSERT ON " + ident(table) +
              " REFERENCING NEW TABLE AS benchstore_new_rows FOR EACH STATEMENT EXECUTE FUNCTION " +
              ident(mirror_function(table)) + "()");
    conn.exec("CREATE OR REPLACE FUNCTION benchstore_convert_refuse() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
              "RAISE EXCEPTION '% is being converted to partitions: UPDATE, DELETE and TRUNCATE wait until "
              "benchstore-central partition --convert has finished', TG_TABLE_NAME; END $f$");
    conn.exec("CREATE TRIGGER benchstore_convert_freeze BEFORE UPDATE OR DELETE OR TRUNCATE ON " + ident(table) +
              " FOR EACH STATEMENT EXECUTE FUNCTION benchstore_convert_refuse()");
    conn.exec("INSERT INTO benchstore_partition_conversions (table_name, twin_name, boundary_id, blocks, filenode) "
              "SELECT $1, $2, coalesce(s.last_value, s.start_value - s.increment_by), "
              "pg_relation_size(to_regclass($1)) / current_setting('block_size')::bigint, "
              "pg_relation_filenode(to_regclass($1))::text "
              "FROM pg_sequences s WHERE format('%I.%I', s.schemaname, s.sequencename)::regclass = "
              "pg_get_serial_sequence($1, 'measurement_id')::regclass "
              "ON CONFLICT (table_name) DO UPDATE SET twin_name = EXCLUDED.twin_name, "
              "boundary_id = EXCLUDED.boundary_id, blocks = EXCLUDED.blocks, next_block = 0, rows_copied = 0, "
              "filenode = EXCLUDED.filenode, started_at = now(), updated_at = now(), finished_at = NULL",
              {table, twin});
    tx.commit();
}

// Copies one chunk; returns the rows copied.
std::int64_t copy_chunk(PgConnection& conn, const std::string& table, const Progress& p, std::int64_t end,
                        const std::string& columns)
{
    const std::string range = "ctid >= '(" + std::to_string(p.next_block) + ",0)'::tid AND ctid < '(" +
                              std::to_string(end) + ",0)'::tid AND measurement_id <= " + std::to_string(p.boundary_id);
    PgTransaction tx(conn);
    const auto now = read_progress(conn, table, true);
    if (!now || now->next_block != p.next_block)
        throw ServerError("the conversion of " + table + " moved on under this run (another converter?); run again");
    const std::int64_t copied = conn.exec("INSERT INTO " + ident(p.twin) + " (" + columns + ") SELECT " + columns +
                                          " FROM " + ident(table) + " WHERE " + range)
                                    .affected();
    conn.exec("UPDATE benchstore_partition_conversions SET next_block = $2, rows_copied = rows_copied + $3, "
              "updated_at = now() WHERE table_name = $1",
              {table, std::to_string(end), std::to_string(copied)});
    tx.commit();
    return copied;
}

// Weekly partitions for the rows of the next chunk, so they go straight to their place.
void prepare_chunk(PgConnection& conn, const std::string& table, const Progress& p, std::int64_t end,
                   const CentralOptions& options)
{
    auto span = conn.exec("SELECT min(\"time\")::text AS first, max(\"time\")::text AS last FROM " + ident(table) +
                          " WHERE ctid >= '(" +
                          std::to_string(p.next_block) + ",0)'::tid AND ctid < '(" + std::to_string(end) + ",0)'::tid");
    if (span.is_null(0, "first")) return;
    try {
        ensure_partitions(conn, p.twin, table, span.text(0, "first"), span.text(0, "last"), options.lock_timeout);
    } catch (const PgStatementError& e) {
        if (e.sqlstate() != "55P03") throw;  // busy: the rows wait in the default partition, settled at the end
    }
}

void swap(PgConnection& conn, const std::string& table, const Progress& p, const CentralOptions& options)
{
    for (int attempt = 1;; ++attempt) {
        try {
            PgTransaction tx(conn);
            lock_timeout(conn, options.lock_timeout);
            conn.exec("LOCK TABLE " + ident(table) + " IN ACCESS EXCLUSIVE MODE");
            swap_in_twin(conn, table, p.twin);
            conn.exec("DROP FUNCTION " + ident(mirror_function(table)) + "()");
            conn.exec("UPDATE benchstore_partition_conversions SET finished_at = now(), updated_at = now() "
                      "WHERE table_name = $1",
                      {table});
            tx.commit();
            return;
        } catch (const PgStatementError& e) {
            if (e.sqlstate() != "55P03") throw;
            if (attempt == 3)
                throw ServerError("every row of " + table + " is copied, but its exclusive lock was not granted within " +
                                  std::to_string(options.lock_timeout.count()) +
                                  " ms, three times (a long query or transaction holds it); run the conversion "
                                  "again to finish it");
        }
    }
}

} // namespace

ConversionStep convert_table(PgConnection& conn, const std::string& table, const CentralOptions& options,
                             ProgressLine& progress)
{
    const auto started = Clock::now();
    ConversionStep step;
    step.table = table;
    auto p = read_progress(conn, table);
    const bool in_progress = p && !p->finished;
    if (!in_progress && is_partitioned(conn, table)) {
        step.state = ConversionStep::State::already_partitioned;
        return step;
    }
    if (options.dry_run == DryRun::yes) {
        if (!in_progress)
            if (const auto obstacles = conversion_obstacles(conn, table); !obstacles.empty()) refuse(table, obstacles);
        auto size = conn.exec("SELECT greatest(reltuples, 0)::bigint AS estimated_rows, pg_relation_size(oid) / "
                              "current_setting('block_size')::bigint AS blocks "
                              "FROM pg_class WHERE oid = to_regclass($1)",
                              {table});
        step.state = ConversionStep::State::would_convert;
        step.rows_copied = size.integer(0, "estimated_rows");
        step.blocks = in_progress ? p->blocks - p->next_block : size.integer(0, "blocks");
        step.resumed = in_progress;
        return step;
    }
    // One converter per table; a session lock, so a killed converter's ends with its connection.
    if (conn.exec("SELECT pg_try_advisory_lock(hashtextextended('benchstore conversion of ' || $1, 0)) AS locked",
                  {table})
            .text(0, "locked") != "t")
        throw ServerError("another benchstore-central is converting " + table + " right now; nothing was changed");
    if (!in_progress) {
        set_up(conn, table, table + "_converting", options);
        p = read_progress(conn, table);
        // This week's and next week's partitions: where the rows syncs send meanwhile belong.
        try {
            ensure_upcoming_partitions(conn, p->twin, table, options.lock_timeout);
        } catch (const PgStatementError& e) {
            if (e.sqlstate() != "55P03") throw;
        }
    } else {
        step.resumed = true;
        if (conn.exec("SELECT to_regclass($1) IS NOT NULL AS present", {p->twin}).text(0, "present") != "t")
            throw ServerError("the conversion of " + table + " recorded in benchstore_partition_conversions has lost its "
                              "table " + p->twin + "; delete that row to start over");
    }
    step.blocks = p->blocks;
    const std::string columns = copied_columns(conn, table);
    while (p->next_block < p->blocks) {
        if (options.stop != nullptr && options.stop->load()) {
            step.state = ConversionStep::State::stopped;
            step.seconds = std::chrono::duration<double>(Clock::now() - started).count();
            return step;
        }
        if (conn.exec("SELECT pg_relation_filenode(to_regclass($1))::text AS filenode", {table}).text(0, "filenode") !=
            p->filenode)
            throw ServerError(table + " was rewritten (VACUUM FULL, CLUSTER) during its conversion; its rows moved, so "
                              "the copy cannot go on: drop " + p->twin + " and the benchstore_partition_conversions row, "
                              "and start again");
        const std::int64_t end = std::min(p->blocks, p->next_block + options.chunk_blocks);
        prepare_chunk(conn, table, *p, end, options);
        step.rows_copied += copy_chunk(conn, table, *p, end, columns);
        p->next_block = end;
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        progress.update("convert " + table + ": block " + group_thousands(p->next_block) + " of " +
                        group_thousands(p->blocks) + ", " + group_thousands(step.rows_copied) + " rows copied in " +
                        std::to_string(static_cast<long long>(seconds)) + " s");
    }
    progress.clear();
    step.rows_settled = settle_default_partition(conn, p->twin, table, options.lock_timeout);
    swap(conn, table, *p, options);
    // The rows went in after the BRIN indexes were made: VACUUM summarises their block ranges (else
    // a time-range query reads every block of a partition), sets the visibility map, and ANALYZE.
    conn.exec("VACUUM (ANALYZE) " + ident(table));
    conn.exec("SELECT pg_advisory_unlock(hashtextextended('benchstore conversion of ' || $1, 0))", {table});
    step.state = ConversionStep::State::converted;
    step.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return step;
}

} // namespace benchstore::central
