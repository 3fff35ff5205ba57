#include "support/central_fixture.hpp"

#include <fstream>
#include <iterator>

#include "benchstore/postgres_migrations.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"

namespace benchstore::test {

std::vector<std::string> sync_args(const std::filesystem::path& db, const std::string& conninfo, int batch)
{
    return {"--db", db.string(), "--dsn", conninfo, "--batch-rows", std::to_string(batch)};
}

std::string unpartitioned_database() { return database_with_migrations(postgres_schema::migrations.size()); }

std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string count(const std::string& name, const std::string& from_where)
{
    return shared_postgres().query(name, "SELECT count(*) FROM " + from_where);
}

std::vector<std::string> dashboard_results(const std::string& name)
{
    const std::vector<std::string> queries{
        "SELECT DISTINCT branch FROM benchmarks",
        "SELECT DISTINCT gpu_name FROM benchmarks",
        "SELECT created_at - INTERVAL '5 secs' FROM benchmarks WHERE branch = 'main' ORDER BY benchmark_id ASC LIMIT 1",
        "SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main' ORDER BY b.benchmark_id DESC, d.measurement_id DESC LIMIT 1",
        "SELECT commit_id as commit_id, commit_message, gpu_name, created_at AS date FROM benchmarks WHERE branch = "
        "'main' ORDER BY benchmark_id DESC LIMIT 10",
        "SELECT CAST(m.measurements->'model_load_time' AS double precision) AS model_load_time, left(b.commit_id, 7), "
        "m.time FROM benchmarks as b JOIN model_measurements AS m ON b.benchmark_id = m.benchmark_id WHERE b.branch = "
        "'main' AND gpu_name = 'NVIDIA A100' ORDER BY b.benchmark_id DESC LIMIT 10",
        "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        "SELECT d.gpu_util, d.time, b.commit_id FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        "SELECT d.mem_megabytes, d.time FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        "SELECT d.gpu_mem_megabytes, d.time FROM benchmarks AS b JOIN device_measurements AS d ON b.benchmark_id = "
        "d.benchmark_id WHERE branch = 'main'",
        // A time-range panel as Grafana sends it ($__timeFilter, one point per minute).
        "SELECT date_trunc('minute', time) AS t, avg(cpu_util) FROM device_measurements WHERE time BETWEEN "
        "(SELECT max(time) FROM device_measurements WHERE time < '2900-01-01') - interval '1 day' AND "
        "(SELECT max(time) FROM device_measurements WHERE time < '2900-01-01') GROUP BY 1 ORDER BY 1"};
    std::vector<std::string> out;
    for (const auto& q : queries)
        out.push_back(shared_postgres().query(name, "SELECT count(*) || ': ' || coalesce(string_agg(x::text, '|' ORDER BY "
                                                    "x::text), '') FROM (" + q + ") x"));
    return out;
}

} // namespace benchstore::test
