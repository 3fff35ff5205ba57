#include "store/listed_benchmarks.hpp"

#include "core/json.hpp"
#include "store/benchmark_rows.hpp"

namespace benchstore::store {

BenchmarkRefs::BenchmarkRefs(const std::vector<std::int64_t>& refs) : m_json(json::text(json::Value(refs))) {}

Query listed_benchmarks(SQLite::Database& db, const BenchmarkRefs& refs)
{
    return Query(db,
                 std::string("SELECT ") + benchmark_select_list + host_info_select(db) +
                     " FROM benchmarks b WHERE b.id IN (SELECT value FROM json_each(?)) ORDER BY b.id",
                 {refs.json()});
}

Query listed_model_rows(SQLite::Database& db, const BenchmarkRefs& refs)
{
    return Query(db,
                 "SELECT m.benchmark_ref AS benchmark_ref, m.measurements AS measurements, m.id AS id "
                 "FROM model_measurements m WHERE m.benchmark_ref IN (SELECT value FROM json_each(?)) "
                 "ORDER BY m.id",
                 {refs.json()});
}

Query listed_device_figures(SQLite::Database& db, const BenchmarkRefs& refs)
{
    return Query(db,
                 "SELECT d.benchmark_ref AS benchmark_ref, max(d.mem_megabytes) AS peak_rss, "
                 "benchstore_mean(d.cpu_util) AS cpu_mean, benchstore_mean(d.gpu_util) AS gpu_mean, "
                 "max(d.gpu_mem_megabytes) AS peak_gpu_mem FROM device_measurements d "
                 "WHERE d.benchmark_ref IN (SELECT value FROM json_each(?)) GROUP BY d.benchmark_ref "
                 "ORDER BY d.benchmark_ref",
                 {refs.json()});
}

} // namespace benchstore::store
