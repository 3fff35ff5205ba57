#include "compare/store_samples.hpp"

#include "store/benchmark_rows.hpp"
#include "store/listed_benchmarks.hpp"
#include "store/measurements_json.hpp"
#include "store/query.hpp"

namespace benchstore::compare_ {
namespace {

void read_benchmarks(SQLite::Database& db, const store::BenchmarkRefs& ids, SampleCollector& collector)
{
    store::Query q = store::listed_benchmarks(db, ids);
    const store::BenchmarkColumns columns(q);
    while (q.step()) {
        const store::BenchmarkRow row = columns.read(q);
        const std::string ref = std::to_string(row.benchmark_ref);
        collector.benchmark({ref, row.run_id, row.commit_id, row.host, row.host_info, row.module, row.metadata});
    }
}

void read_models(SQLite::Database& db, const store::BenchmarkRefs& ids, SampleCollector& collector)
{
    store::Query q = store::listed_model_rows(db, ids);
    const auto ref = q.column("benchmark_ref"), measurements = q.column("measurements"), id = q.column("id");
    std::vector<store::MeasurementField> fields;
    while (q.step()) {
        store::read_measurements(q.text(measurements), q.integer(id), db.getFilename(), fields);
        const std::string key = std::to_string(q.integer(ref));
        for (const auto& f : fields) collector.value(key, f.name, f.value);
    }
}

// One figure per benchmark, aggregated by the store over its device rows.
void read_devices(SQLite::Database& db, const store::BenchmarkRefs& ids, SampleCollector& collector)
{
    store::Query q = store::listed_device_figures(db, ids);
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
        const store::BenchmarkRefs ids(refs[side]);
        collector.start_side(side);
        read_benchmarks(db, ids, collector);
        read_models(db, ids, collector);
        read_devices(db, ids, collector);
    }
    collector.finish();
}

} // namespace benchstore::compare_
