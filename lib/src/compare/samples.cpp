#include "compare/samples.hpp"

#include <algorithm>

#include "benchstore/error.hpp"
#include "compare/side_selection.hpp"
#include "store/benchmark_rows.hpp"
#include "store/measurements_json.hpp"
#include "store/query.hpp"

namespace benchstore::compare_ {
namespace {

void add_unique(std::vector<std::string>& list, std::string_view value)
{
    if (value.empty()) return;
    if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

class Loader {
public:
    Loader(SQLite::Database& db, Samples& samples) : m_db(db), m_samples(samples) {}

    void load(Side side, const std::vector<std::int64_t>& refs)
    {
        const std::string ids = json_id_list(refs);
        m_identity_of.clear();
        read_benchmarks(side, ids);
        read_models(side, ids);
        read_devices(side, ids);
    }

    // Device figures go after every model metric.
    void finish()
    {
        for (auto& identity : m_samples.identities)
            for (const char* metric : device_metrics)
                if (identity.values.count(metric) && std::find(identity.metrics.begin(), identity.metrics.end(),
                                                              metric) == identity.metrics.end())
                    identity.metrics.emplace_back(metric);
    }

private:
    void read_benchmarks(Side side, const std::string& ids)
    {
        store::Query q(m_db,
                       std::string("SELECT ") + store::benchmark_select_list + store::host_info_select(m_db) +
                           " FROM benchmarks b WHERE b.id IN (SELECT value FROM json_each(?)) ORDER BY b.id",
                       {ids});
        const store::BenchmarkColumns columns(q);
        CompareSide& s = m_samples.sides[side];
        while (q.step()) {
            const store::BenchmarkRow row = columns.read(q);
            ++s.benchmarks;
            add_unique(s.runs, row.run_id);
            add_unique(s.commits, row.commit_id);
            // The host name and the machine's fingerprint: a reinstalled or upgraded machine under the
            // same name is another host too.
            add_unique(s.hosts, row.host_info.empty() ? std::string(row.host)
                                                      : std::string(row.host) + " " + std::string(row.host_info));
            const std::string key = std::string(row.module) + '\x1f' + std::string(row.metadata);
            auto [it, inserted] = m_index.emplace(key, m_samples.identities.size());
            if (inserted) {
                IdentitySamples identity;
                identity.module = row.module;
                identity.metadata = row.metadata;
                m_samples.identities.push_back(std::move(identity));
            }
            ++m_samples.identities[it->second].benchmarks[side];
            m_identity_of.emplace(row.benchmark_ref, it->second);
        }
    }

    void read_models(Side side, const std::string& ids)
    {
        store::Query q(m_db,
                       "SELECT m.benchmark_ref AS benchmark_ref, m.measurements AS measurements, m.id AS id "
                       "FROM model_measurements m WHERE m.benchmark_ref IN (SELECT value FROM json_each(?)) "
                       "ORDER BY m.id",
                       {ids});
        const auto ref = q.column("benchmark_ref"), measurements = q.column("measurements"), id = q.column("id");
        std::vector<store::MeasurementField> fields;
        while (q.step()) {
            store::read_measurements(q.text(measurements), q.integer(id), m_db.getFilename(), fields);
            auto& identity = m_samples.identities[m_identity_of.at(q.integer(ref))];
            for (const auto& f : fields) identity.add(f.name, side, f.value);
        }
    }

    // One figure per benchmark, aggregated in SQL over its device rows (index on benchmark_ref):
    // memory does not grow with the rows.
    void read_devices(Side side, const std::string& ids)
    {
        store::Query q(m_db,
                       "SELECT d.benchmark_ref AS benchmark_ref, max(d.mem_megabytes) AS peak_rss, "
                       "benchstore_mean(d.cpu_util) AS cpu_mean, benchstore_mean(d.gpu_util) AS gpu_mean, "
                       "max(d.gpu_mem_megabytes) AS peak_gpu_mem FROM device_measurements d "
                       "WHERE d.benchmark_ref IN (SELECT value FROM json_each(?)) GROUP BY d.benchmark_ref "
                       "ORDER BY d.benchmark_ref",
                       {ids});
        const auto ref = q.column("benchmark_ref");
        const std::array<store::Column, 4> figures{q.column("peak_rss"), q.column("cpu_mean"), q.column("gpu_mean"),
                                                   q.column("peak_gpu_mem")};
        while (q.step()) {
            auto& identity = m_samples.identities[m_identity_of.at(q.integer(ref))];
            for (std::size_t i = 0; i < figures.size(); ++i)
                if (!q.is_null(figures[i])) identity.add(device_metrics[i], side, q.real(figures[i]));
        }
    }

    SQLite::Database& m_db;
    Samples& m_samples;
    std::unordered_map<std::string, std::size_t> m_index;           // identity key -> position
    std::unordered_map<std::int64_t, std::size_t> m_identity_of;    // benchmark ref -> identity
};

} // namespace

void IdentitySamples::add(const std::string& metric, Side side, double value)
{
    auto [it, inserted] = values.try_emplace(metric);
    if (inserted && metric.rfind("device.", 0) != 0) metrics.push_back(metric);
    it->second[side].push_back(value);
}

std::string identity_text(const std::string& module, const std::string& metadata)
{
    return module.empty() ? metadata : module + " " + metadata;
}

void load_samples(SQLite::Database& db, const std::array<std::vector<std::int64_t>, 2>& refs, Samples& samples)
{
    Loader loader(db, samples);
    loader.load(base_side, refs[base_side]);
    loader.load(head_side, refs[head_side]);
    loader.finish();
}

} // namespace benchstore::compare_
