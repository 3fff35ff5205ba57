#include "store/replay_rows.hpp"

namespace benchstore::store {
namespace {

// The view's condition on alias's rows, ANDed in front of the id range.
std::string filter_of(const RowView& view, const std::string& alias)
{
    const std::string filter = view.filter();
    return filter.empty() ? std::string() : alias + "." + filter + " AND ";
}

std::string range_sql(const RowView& view, const std::string& select, const std::string& from, const std::string& alias)
{
    const std::string id = alias + "." + view.id_column();
    return "SELECT " + select + " FROM " + from + " WHERE " + filter_of(view, alias) + id + " > ? AND " + id +
           " <= ? ORDER BY " + id + " LIMIT ?";
}

std::string select_sql(ReplayTable table, const RowView& view)
{
    const std::string id_column = view.id_column();
    auto id_as = [&](const char* alias) { return std::string(alias) + "." + id_column + " AS id"; };
    switch (table) {
    case ReplayTable::benchmarks:
        return range_sql(view, id_as("b") + ", b.benchmark_id AS benchmark_id, b.repository AS repository, b.branch AS branch, "
                         "b.commit_id AS commit_id, b.commit_message AS commit_message, b.metadata AS metadata, "
                         "b.created_at AS created_at, b.host AS host, b.run_id AS run_id, b.module AS module, "
                         "b.status AS status, b.status_reason AS status_reason, b.finished_at AS finished_at, "
                         "c.seq AS status_seq, b.host_info AS host_info",
                         // The newest status change per benchmark, read in the same snapshot as the status
                         // itself. Grouped once per batch: the store has no index on benchmark_ref there.
                         "benchmarks b LEFT JOIN (SELECT benchmark_ref, max(" + id_column + ") AS seq FROM "
                         "benchmark_status_changes GROUP BY benchmark_ref) c ON c.benchmark_ref = b.id", "b");
    case ReplayTable::benchmark_status_changes:
        return range_sql(view, id_as("c") + ", b.benchmark_id AS benchmark_id, c.status AS status, c.status_reason AS status_reason, "
                         "c.time AS time",
                         "benchmark_status_changes c JOIN benchmarks b ON b.id = c.benchmark_ref", "c");
    case ReplayTable::device_measurements:
        return range_sql(view, id_as("d") + ", b.benchmark_id AS benchmark_id, d.cpu_util AS cpu_util, d.mem_megabytes AS mem_megabytes, "
                         "d.gpu_util AS gpu_util, d.gpu_mem_megabytes AS gpu_mem_megabytes, d.time AS time",
                         "device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref", "d");
    case ReplayTable::model_measurements:
        return range_sql(view, id_as("m") + ", b.benchmark_id AS benchmark_id, m.measurements AS measurements, m.time AS time",
                         "model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref", "m");
    }
    return {};
}

// The view's rows of the table, as a WHERE clause (or nothing).
std::string where_view(const RowView& view, const std::string& more = {})
{
    std::string where = view.filter();
    if (!more.empty()) where += (where.empty() ? "" : " AND ") + more;
    return where.empty() ? std::string() : " WHERE " + where;
}

} // namespace

std::string RowView::filter() const
{
    if (origin) return "origin = " + std::to_string(*origin);
    return has_origins ? "origin IS NULL" : "";
}

const char* table_name(ReplayTable table)
{
    switch (table) {
    case ReplayTable::benchmarks: return "benchmarks";
    case ReplayTable::benchmark_status_changes: return "benchmark_status_changes";
    case ReplayTable::device_measurements: return "device_measurements";
    case ReplayTable::model_measurements: return "model_measurements";
    }
    return "";
}

Query replay_rows(SQLite::Database& db, ReplayTable table, const RowView& view, std::int64_t after,
                  std::int64_t up_to, std::int64_t limit)
{
    return Query(db, select_sql(table, view), {std::to_string(after), std::to_string(up_to), std::to_string(limit)});
}

std::int64_t replay_max_id(SQLite::Database& db, ReplayTable table, const RowView& view)
{
    // ORDER BY ... DESC LIMIT 1, not max(): with a view's condition SQLite would scan the whole table
    // for max(); this walks the id (or the origin index) from the top to the first row of the view.
    const std::string id = view.id_column();
    return query_integer(db, "SELECT coalesce((SELECT " + id + " FROM " + table_name(table) + where_view(view) +
                                 " ORDER BY " + id + " DESC LIMIT 1), 0) AS max_id", {});
}

std::int64_t replay_count(SQLite::Database& db, ReplayTable table, const RowView& view, std::int64_t after,
                          std::int64_t up_to)
{
    const std::string id = view.id_column();
    return query_integer(db, "SELECT count(*) AS n FROM " + std::string(table_name(table)) +
                                 where_view(view, id + " > ? AND " + id + " <= ?"),
                         {std::to_string(after), std::to_string(up_to)});
}

std::string replay_time(SQLite::Database& db, ReplayTable table, const RowView& view, std::int64_t after,
                        std::int64_t up_to, RangeEnd end)
{
    const std::string id = view.id_column();
    const std::string filter = view.filter();
    const std::string condition = filter.empty() ? std::string() : filter + " AND ";
    Query q(db, "SELECT time AS time FROM " + std::string(table_name(table)) + " WHERE " + condition + id + " > ? AND " +
                    id + " <= ? ORDER BY " + id + " " + (end == RangeEnd::first ? "ASC" : "DESC") + " LIMIT 1",
            {std::to_string(after), std::to_string(up_to)});
    const auto time = q.column("time");
    return q.step() ? std::string(q.text(time)) : std::string();
}

} // namespace benchstore::store
