#pragma once
// The Grafana dashboard's SQL (notes/hf-postgres-compat.md) with Grafana's variables filled in
// (branch main, the A100, the last 10 commits), shared by the speed programs that time it over a
// large central database (dashboard, fleet). Header-only.
#include <string>
#include <vector>

namespace benchstore::speed {

struct DashboardQuery {
    std::string name;
    std::string sql;
};

// The template-variable queries and the panels without a time range. with_all_time adds the device
// series over all time (every main row: at 100M rows, 50M rows to fetch).
inline std::vector<DashboardQuery> dashboard_whole_table_queries(bool with_all_time = true)
{
    std::vector<DashboardQuery> q = {
        {"variable branch", "SELECT DISTINCT branch FROM benchmarks"},
        {"variable gpu_name", "SELECT DISTINCT gpu_name FROM benchmarks"},
        {"variable start time", "SELECT created_at - INTERVAL '5 secs' FROM benchmarks WHERE branch = 'main' "
                                "ORDER BY benchmark_id ASC LIMIT 1"},
        {"variable end time", "SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements AS d "
                              "ON b.benchmark_id = d.benchmark_id WHERE branch = 'main' ORDER BY b.benchmark_id DESC, "
                              "d.measurement_id DESC LIMIT 1"},
        {"commit table", "SELECT commit_id as commit_id, commit_message, gpu_name, created_at AS date FROM benchmarks "
                         "WHERE branch = 'main' ORDER BY benchmark_id DESC LIMIT 10"},
        {"model bar chart", "SELECT CAST(m.measurements->'model_load_time' AS double precision) AS model_load_time, "
                            "left(b.commit_id, 7), m.time FROM benchmarks as b JOIN model_measurements AS m ON "
                            "b.benchmark_id = m.benchmark_id WHERE b.branch = 'main' AND gpu_name = 'NVIDIA A100' "
                            "ORDER BY b.benchmark_id DESC LIMIT 10"},
    };
    if (with_all_time)
        q.push_back({"device series, all time", "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements "
                                                "AS d ON b.benchmark_id = d.benchmark_id WHERE branch = 'main'"});
    return q;
}

// The panels with a time range, $__timeFilter(time) expanded to between ("BETWEEN '...' AND '...'");
// label ("one day") goes into each query's name.
inline std::vector<DashboardQuery> dashboard_time_range_queries(const std::string& label, const std::string& between)
{
    return {
        {"device series, " + label, "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d ON "
                                    "b.benchmark_id = d.benchmark_id WHERE branch = 'main' AND d.time " + between},
        {"device rows, " + label, "SELECT d.gpu_util, d.time FROM device_measurements AS d WHERE d.time " + between},
        {"device per-minute, " + label, "SELECT date_trunc('minute', time) AS time, avg(cpu_util), avg(gpu_util), "
                                        "avg(gpu_mem_megabytes) FROM device_measurements WHERE time " + between +
                                        " GROUP BY 1 ORDER BY 1"},
        {"model rows, " + label, "SELECT CAST(m.measurements->'model_load_time' AS double precision), m.time FROM "
                                 "model_measurements AS m WHERE m.time " + between},
    };
}

// The same device panels read from the per-minute rollup (device_measurements_minutes, schema version
// 6), as the shipped dashboard (dashboards/benchstore.json) reads it at an interval of a minute: the
// series of branch main per host and minute (its CPU panel), and every row's per-minute averages.
// between as above, applied to the rollup's minute.
inline std::vector<DashboardQuery> dashboard_rollup_queries(const std::string& label, const std::string& between)
{
    const auto average = [](const std::string& column) {
        return "sum(" + column + "_sum) / nullif(sum(" + column + "_count), 0)";
    };
    return {
        {"rollup series of main, " + label,
         "WITH d AS MATERIALIZED (SELECT benchmark_id, minute AS time, cpu_util_sum AS total, cpu_util_count AS n "
         "FROM device_measurements_minutes WHERE minute " + between + ") "
         "SELECT date_bin('60000 ms'::interval, d.time, TIMESTAMP '2000-01-01') AS time, coalesce(b.host, 'unknown') "
         "AS metric, sum(d.total) / nullif(sum(d.n), 0) AS cpu_util FROM d JOIN benchmarks AS b ON b.benchmark_id = "
         "d.benchmark_id WHERE b.branch = 'main' GROUP BY 1, 2 ORDER BY 1"},
        {"rollup per-minute, " + label, "SELECT minute AS time, " + average("cpu_util") + ", " + average("gpu_util") +
                                            ", " + average("gpu_mem_megabytes") +
                                            " FROM device_measurements_minutes WHERE minute " + between +
                                            " GROUP BY 1 ORDER BY 1"},
    };
}

} // namespace benchstore::speed
