#include "store/report_reads.hpp"

#include "store/benchmark_rows.hpp"

namespace benchstore::store {
namespace {

// metadata as "key=value, key=value" in stored order; the stored text when it is not a JSON object.
std::string metadata_label(const std::string& column)
{
    return "CASE WHEN json_valid(" + column + ") AND json_type(" + column + ") = 'object' THEN coalesce((SELECT "
           "group_concat(key || '=' || CAST(value AS TEXT), ', ') FROM json_each(" + column + ")), '') ELSE " +
           column + " END";
}

// A benchmark row for the page: the shared columns, the metadata label, and its row counts.
std::string report_benchmark_list()
{
    return std::string(benchmark_select_list) + ", " + metadata_label("b.metadata") +
           " AS metadata_label, (SELECT count(*) FROM device_measurements d WHERE d.benchmark_ref = b.id) "
           "AS device_rows, (SELECT count(*) FROM model_measurements m WHERE m.benchmark_ref = b.id) "
           "AS model_rows";
}

const char* column_of(BenchmarkText column)
{
    switch (column) {
    case BenchmarkText::repository: return "repository";
    case BenchmarkText::branch: return "branch";
    case BenchmarkText::host: return "host";
    }
    return "";
}

} // namespace

Query selection_overview(SQLite::Database& db, const SelectionSql& sel)
{
    return Query(db,
                 "SELECT count(DISTINCT b.commit_id) AS commits, min(b.created_at) AS first_created, "
                 "max(b.created_at) AS last_created, count(*) AS benchmarks, "
                 "total(b.status = 'completed') AS completed, total(b.status = 'failed') AS failed, "
                 "total(b.status = 'running') AS running FROM benchmarks b WHERE " + sel.condition,
                 sel.params);
}

std::vector<std::string> distinct_values(SQLite::Database& db, const SelectionSql& sel, BenchmarkText column)
{
    std::vector<std::string> out;
    Query q(db, std::string("SELECT DISTINCT b.") + column_of(column) + " AS value FROM benchmarks b WHERE " +
                    sel.condition + " ORDER BY 1",
            sel.params);
    for (const Column value = q.column("value"); q.step();) out.emplace_back(q.text(value));
    return out;
}

std::int64_t count_measurements(SQLite::Database& db, const SelectionSql& sel, MeasurementTable table)
{
    const std::string name =
        table == MeasurementTable::device_measurements ? "device_measurements" : "model_measurements";
    return query_integer(db, "SELECT count(*) FROM " + name +
                                 " WHERE benchmark_ref IN (SELECT b.id FROM benchmarks b WHERE " + sel.condition + ")",
                         sel.params);
}

Query report_benchmarks(SQLite::Database& db, const SelectionSql& sel)
{
    return Query(db, "SELECT " + report_benchmark_list() + " FROM benchmarks b WHERE " + sel.condition + " ORDER BY b.id",
                 sel.params);
}

Query report_benchmark(SQLite::Database& db, std::int64_t ref)
{
    return Query(db, "SELECT " + report_benchmark_list() + " FROM benchmarks b WHERE b.id = ?", {std::to_string(ref)});
}

Query trend_points(SQLite::Database& db, const SelectionSql& sel)
{
    return Query(db,
                 "SELECT j.name AS metric, b.host AS host, coalesce(b.module, '') AS module, " + metadata_label("b.metadata") +
                     " AS metadata_label, b.commit_id AS commit_id, m.time AS time, j.value AS value "
                     "FROM benchmarks b JOIN model_measurements m ON m.benchmark_ref = b.id "
                     "JOIN benchstore_measurements(m.measurements, m.id) j WHERE " + sel.condition +
                     " ORDER BY metric, host, module, metadata_label, m.time, m.id",
                 sel.params);
}

std::vector<std::int64_t> newest_with_device_rows(SQLite::Database& db, const SelectionSql& sel, std::uint32_t limit)
{
    std::vector<std::string> params = sel.params;
    params.push_back(std::to_string(limit));
    Query newest(db,
                 "SELECT b.id AS benchmark_ref FROM benchmarks b WHERE (" + sel.condition +
                     ") AND EXISTS (SELECT 1 FROM device_measurements d WHERE d.benchmark_ref = b.id) "
                     "ORDER BY b.id DESC LIMIT ?",
                 params);
    std::vector<std::int64_t> refs;
    for (const Column ref = newest.column("benchmark_ref"); newest.step();) refs.push_back(newest.integer(ref));
    return refs;
}

Query device_rows_of(SQLite::Database& db, std::int64_t ref)
{
    return Query(db,
                 "SELECT cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time FROM device_measurements "
                 "WHERE benchmark_ref = ? ORDER BY id",
                 {std::to_string(ref)});
}

} // namespace benchstore::store
