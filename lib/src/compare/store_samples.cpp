#include "compare/store_samples.hpp"

#include "compare/side_selection.hpp"
#include "store/benchmark_rows.hpp"
#include "store/measurements_json.hpp"
#include "store/query.hpp"

namespace benchstore::compare_ {
namespace {

void read_benchmarks(SQLite::Database& db, const std::string& ids, SampleCollector& collector)
{
    store::Query q(db,
                   std::string("SELECT ") + store::benchmark_select_list + store::host_info_select(db) +
                       " FROM benchmarks b WHERE b.id IN (SELECT value FROM json_each(?)) ORDER BY b.id",
                   {ids});
    const store::BenchmarkColumns columns(q);
    while (q.step()) {
        const store::BenchmarkRow row = columns.read(q);
        const std::string ref = std::to_string(row.benchmark_ref);
        collector.benchmark({ref, row.run_id, row.commit_id, row.host, row.host_info, row.module, row.metadata});
    }
}

void read_models(SQLite::Database& db, const std::string& ids, SampleCollector& collector)
{
    store::Query q(db,
                   "SELECT m.benchmark_ref AS benchmark_ref, m.measurements AS measurements, m.id AS id "
                   "FROM model_measurements m WHERE m.benchmark_ref IN (SELECT value FROM json_each(?)) "
                   "ORDER BY m.id",
                   {ids});
    const auto ref = q.column("benchmark_ref"), measurements = q.column("measurements"), id = q.column("id");
    std::vector<store::MeasurementField> fields;
    while (q.step()) {
        store::read_measurements(q.text(measurements), q.integer(id), db.getFilename(), fields);
        const std::string key = std::to_string(q.integer(ref));
        for (const auto& f : fields) collector.value(key, f.name, f.value);
    }
}

// One figure per benchmark, aggregated in SQL over its device rows (index on benchmark_ref):
// memory does not grow with the rows.
void read_devices(SQLite::Database& db, const std::string& ids, SampleCollector& collector)
{
    store::Query q(db,
                   "SELECT d.benchmark_ref AS benchmark_ref, max(d.mem_megabytes) AS peak_rss, "
                   "benchstore_mean(d.cpu_util) AS cpu_mean, benchstore_mean(d.gpu_util) AS gpu_mean, "
                   "max(d.gpu_mem_megabytes) AS peak_gpu_mem FROM device_measurements d "
                   "WHERE d.benchmark_ref IN (SELECT value FROM json_each(?)) GROUP BY d.benchmark_ref "
                   "ORDER BY d.benchmark_ref",
                   {ids});
    const auto ref = q.column("benchmark_ref");
    const std::array<store::Column, 4> columns{q.column("peak_rss"), q.column("cpu_mean"), q.column("gpu_mean"),
                                               q.column("peak_gpu_mem")};
    while (q.step()) {
        std::array<std::optional<double>, 4> figures;
        for (std::size_t i = 0; i < columns.size(); ++i) figures[i] = q.optional_real(columns[i]);
        collector.device(std::to_string(q.integer(ref)), figures);
    }
}

} // namespace

void load_store_samples(SQLite::Database& db, const std::array<std::vector<std::int64_t>, 2>& refs,
                        SampleCollector& collector)
{
    for (const Side side : {base_side, head_side}) {
        const std::string ids = json_id_list(refs[side]);
        collector.start_side(side);
        read_benchmarks(db, ids, collector);
        read_models(db, ids, collector);
        read_devices(db, ids, collector);
    }
    collector.finish();
}

} // namespace benchstore::compare_
