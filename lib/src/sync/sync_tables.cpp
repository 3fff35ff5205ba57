#include "sync/sync_tables.hpp"

#include "store/origins.hpp"
#include "sync/device_minutes.hpp"

namespace benchstore::sync_ {
namespace {

// The spec of table's rows in the view, with its server-side statements.
TableSpec fill(store::ReplayTable table, const store::RowView& rows, std::string stage_ddl, std::string copy_sql,
               std::string insert_sql, std::string apply_sql, std::string conflict_sql, std::string present_sql,
               bool counts_staged_as_sent)
{
    TableSpec t;
    t.name = store::table_name(table);
    t.table = table;
    t.rows = rows;
    t.stage_ddl = std::move(stage_ddl);
    t.copy_sql = std::move(copy_sql);
    t.insert_sql = std::move(insert_sql);
    t.apply_sql = std::move(apply_sql);
    t.conflict_sql = std::move(conflict_sql);
    t.present_sql = std::move(present_sql);
    t.counts_staged_as_sent = counts_staged_as_sent;
    return t;
}

// The measurement INSERTs have no ORDER BY: a sort costs a third of the load, and a sequential scan
// of a session's temporary table (local buffers: no synchronized scans, no parallel workers)
// returns rows in COPY order, which is local id order, so measurement_id still grows with time
// within a benchmark (sync_basic's dashboard test checks it).
std::vector<TableSpec> make_specs(const StoreView& view)
{
    const std::string device_insert =
        "INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time, "
        "local_id) SELECT benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time, local_id "
        "FROM stage_device_measurements WHERE $1::uuid IS NOT NULL";
    // What the per-minute rollup needs of the rows inserted (not of those ON CONFLICT skipped).
    const std::string device_returning =
        " RETURNING benchmark_id, \"time\", cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes";
    const std::string model_insert =
        "INSERT INTO model_measurements (benchmark_id, measurements, time, local_id) "
        "SELECT benchmark_id, measurements, time, local_id FROM stage_model_measurements WHERE $1::uuid IS NOT NULL";
    std::vector<TableSpec> specs;
    specs.push_back(fill(store::ReplayTable::benchmarks, view.rows,
        "CREATE TEMP TABLE IF NOT EXISTS stage_benchmarks (benchmark_id uuid, local_id bigint, repository text, "
        "branch text, commit_id text, commit_message text, metadata jsonb, created_at timestamp, host text, "
        "run_id text, module text, status text, status_reason text, finished_at timestamp, status_seq bigint, "
        "host_info jsonb) "
        "ON COMMIT DELETE ROWS",
        "COPY stage_benchmarks FROM STDIN (FORMAT binary)",
        "",
        "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, "
        "host, run_id, module, status, status_reason, finished_at, status_seq, host_info, source_id, local_id) "
        "SELECT benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, host, run_id, "
        "module, status, status_reason, finished_at, status_seq, host_info, $1::uuid, local_id FROM stage_benchmarks "
        "ORDER BY local_id ON CONFLICT (benchmark_id) DO NOTHING",
        "SELECT s.local_id, s.benchmark_id FROM stage_benchmarks s JOIN benchmarks b USING (benchmark_id) "
        "WHERE (s.repository, s.branch, s.commit_id, s.commit_message, s.metadata, s.created_at) IS DISTINCT FROM "
        "(b.repository, b.branch, b.commit_id, b.commit_message, b.metadata, b.created_at) ORDER BY s.local_id LIMIT 1",
        "SELECT count(*) AS present FROM stage_benchmarks s JOIN benchmarks b USING (benchmark_id) WHERE s.local_id = b.local_id "
        "AND (s.repository, s.branch, s.commit_id, s.commit_message, s.metadata, s.created_at) IS NOT DISTINCT FROM "
        "(b.repository, b.branch, b.commit_id, b.commit_message, b.metadata, b.created_at)",
        false));
    specs.push_back(fill(store::ReplayTable::benchmark_status_changes, view.rows,
        "CREATE TEMP TABLE IF NOT EXISTS stage_status_changes (benchmark_id uuid, local_id bigint, status text, "
        "status_reason text, time timestamp) ON COMMIT DELETE ROWS",
        "COPY stage_status_changes FROM STDIN (FORMAT binary)",
        "",
        // Only the newest change per benchmark counts, and never one older than what the server has.
        "UPDATE benchmarks b SET status = s.status, status_reason = s.status_reason, "
        "finished_at = CASE WHEN s.status = 'running' THEN NULL ELSE s.time END, status_seq = s.local_id "
        "FROM (SELECT DISTINCT ON (benchmark_id) * FROM stage_status_changes ORDER BY benchmark_id, local_id DESC) s "
        "WHERE b.benchmark_id = s.benchmark_id AND b.status_seq < s.local_id AND $1::uuid IS NOT NULL",
        "",
        // The server keeps no status change rows: its benchmark has this one or a newer one.
        "SELECT count(*) AS present FROM stage_status_changes s JOIN benchmarks b USING (benchmark_id) "
        "WHERE b.status_seq >= s.local_id",
        true));
    specs.push_back(fill(store::ReplayTable::device_measurements, view.rows,
        "CREATE TEMP TABLE IF NOT EXISTS stage_device_measurements (benchmark_id uuid, local_id bigint, "
        "cpu_util double precision, mem_megabytes double precision, gpu_util double precision, "
        "gpu_mem_megabytes double precision, time timestamp) ON COMMIT DELETE ROWS",
        "COPY stage_device_measurements FROM STDIN (FORMAT binary)",
        device_minutes_from_inserted(device_insert + device_returning),
        device_minutes_from_inserted(device_insert + " ON CONFLICT DO NOTHING" + device_returning),
        "SELECT s.local_id, s.benchmark_id FROM stage_device_measurements s JOIN device_measurements d "
        "USING (benchmark_id, local_id) WHERE (s.cpu_util, s.mem_megabytes, s.gpu_util, s.gpu_mem_megabytes, s.time) "
        "IS DISTINCT FROM (d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time) "
        "ORDER BY s.local_id LIMIT 1",
        "SELECT count(*) AS present FROM stage_device_measurements s JOIN device_measurements d USING (benchmark_id, local_id) "
        "WHERE (s.cpu_util, s.mem_megabytes, s.gpu_util, s.gpu_mem_megabytes, s.time) IS NOT DISTINCT FROM "
        "(d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time)",
        false));
    specs.back().target = "device_measurements";
    specs.back().adds_minutes = true;
    specs.back().direct_copy_sql = "COPY device_measurements (benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, "
                                   "gpu_mem_megabytes, time) FROM STDIN (FORMAT binary)";
    specs.push_back(fill(store::ReplayTable::model_measurements, view.rows,
        "CREATE TEMP TABLE IF NOT EXISTS stage_model_measurements (benchmark_id uuid, local_id bigint, "
        "measurements jsonb, time timestamp) ON COMMIT DELETE ROWS",
        "COPY stage_model_measurements FROM STDIN (FORMAT binary)",
        model_insert,
        model_insert + " ON CONFLICT DO NOTHING",
        "SELECT s.local_id, s.benchmark_id FROM stage_model_measurements s JOIN model_measurements m "
        "USING (benchmark_id, local_id) WHERE (s.measurements, s.time) IS DISTINCT FROM (m.measurements, m.time) "
        "ORDER BY s.local_id LIMIT 1",
        "SELECT count(*) AS present FROM stage_model_measurements s JOIN model_measurements m USING (benchmark_id, local_id) "
        "WHERE (s.measurements, s.time) IS NOT DISTINCT FROM (m.measurements, m.time)",
        false));
    specs.back().target = "model_measurements";
    specs.back().direct_copy_sql =
        "COPY model_measurements (benchmark_id, local_id, measurements, time) FROM STDIN (FORMAT binary)";
    return specs;
}

} // namespace

std::vector<TableSpec> table_specs(const StoreView& view) { return make_specs(view); }

std::vector<StoreView> store_views(SQLite::Database& db, const std::string& own_source_id)
{
    StoreView own;
    own.source_id = own_source_id;
    own.rows.has_origins = store::has_origins(db);
    std::vector<StoreView> views{own};
    if (!own.rows.has_origins) return views;
    for (const auto& origin : store::read_origins(db)) {
        StoreView v = own;
        v.rows.origin = origin.id;
        v.source_id = origin.source_id;
        views.push_back(std::move(v));
    }
    return views;
}

} // namespace benchstore::sync_
