#include "store/selected_rows.hpp"

#include <string>

#include "store/benchmark_rows.hpp"

namespace benchstore::store {
namespace {

Query model_rows(SQLite::Database& db, const SelectionSql& sel, const char* leading_columns)
{
    return Query(db,
                 std::string("SELECT ") + leading_columns +
                     " FROM model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref WHERE " + sel.condition +
                     " ORDER BY m.id",
                 sel.params);
}

std::string count_sql(SelectedRows rows, const std::string& condition)
{
    switch (rows) {
    case SelectedRows::benchmarks:
        return "SELECT count(*) FROM benchmarks b WHERE " + condition;
    case SelectedRows::device_rows:
        return "SELECT count(*) FROM device_measurements d CROSS JOIN benchmarks b ON b.id = d.benchmark_ref WHERE " +
               condition;
    case SelectedRows::model_rows:
        return "SELECT count(*) FROM model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref WHERE " + condition;
    case SelectedRows::summary_rows:
        // One per model row, at least one per benchmark, as the summary's LEFT JOIN gives.
        return "SELECT count(*) FROM benchmarks b LEFT JOIN model_measurements mm ON mm.benchmark_ref = b.id WHERE " +
               condition;
    }
    return {};
}

} // namespace

Query selected_benchmarks(SQLite::Database& db, const SelectionSql& sel)
{
    return Query(db,
                 std::string("SELECT ") + benchmark_select_list + host_info_select(db) + " FROM benchmarks b WHERE " +
                     sel.condition + " ORDER BY b.id",
                 sel.params);
}

Query selected_device_rows(SQLite::Database& db, const SelectionSql& sel)
{
    return Query(db,
                 "SELECT b.benchmark_id AS benchmark_id, d.cpu_util AS cpu_util, d.mem_megabytes AS mem_megabytes, "
                 "d.gpu_util AS gpu_util, d.gpu_mem_megabytes AS gpu_mem_megabytes, d.time AS time "
                 "FROM device_measurements d CROSS JOIN benchmarks b ON b.id = d.benchmark_ref WHERE " +
                     sel.condition + " ORDER BY d.id",
                 sel.params);
}

Query selected_model_metrics(SQLite::Database& db, const SelectionSql& sel)
{
    return model_rows(db, sel, "m.measurements AS measurements, m.id AS id, m.benchmark_ref AS benchmark_ref");
}

Query selected_model_rows(SQLite::Database& db, const SelectionSql& sel)
{
    return model_rows(db, sel, "b.benchmark_id AS benchmark_id, m.time AS time, m.measurements AS measurements, m.id AS id");
}

std::int64_t count_selected(SQLite::Database& db, const SelectionSql& sel, SelectedRows rows)
{
    return query_integer(db, count_sql(rows, sel.condition), sel.params);
}

} // namespace benchstore::store
