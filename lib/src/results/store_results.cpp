// Results from a local SQLite store, through the store's readers (store/report_reads.hpp for the
// report's streams; compare/side_selection.hpp and compare/store_samples.hpp for compare's samples),
// with one read Transaction for the source's life: every query sees one snapshot.
#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "compare/store_samples.hpp"
#include "results/results_source.hpp"
#include "store/benchmark_rows.hpp"
#include "store/measurements_table.hpp"
#include "store/query.hpp"
#include "store/report_reads.hpp"
#include "store/selection.hpp"
#include "store/sqlite_store.hpp"
#include "store/stats_functions.hpp"
#include "store/transaction.hpp"

namespace benchstore::results {
namespace {

using report::BenchmarkInfo;
using report::DeviceVisitor;
using report::Overview;
using report::TrendPoint;

using store::Column;
using store::Query;

// A benchmark row for the page: the shared columns, the metadata label, and its row counts.
// (A query of store::report_benchmarks or store::report_benchmark.)
class BenchmarkReader {
public:
    explicit BenchmarkReader(const Query& q)
        : m_columns(q), m_label(q.column("metadata_label")), m_devices(q.column("device_rows")),
          m_models(q.column("model_rows"))
    {
    }

    BenchmarkInfo read(const Query& q) const
    {
        const store::BenchmarkRow row = m_columns.read(q);
        return {row.benchmark_id, row.repository, row.branch, row.commit_id, row.commit_message, row.host,
                row.module, q.text(m_label), row.created_at, row.status, row.status_reason,
                static_cast<std::uint64_t>(q.integer(m_devices)), static_cast<std::uint64_t>(q.integer(m_models))};
    }

private:
    store::BenchmarkColumns m_columns;
    Column m_label, m_devices, m_models;
};

class StoreSource final : public ResultsSource {
public:
    StoreSource(const std::filesystem::path& path, const Selection& selection)
        : m_selection(selection), m_sel(store::compile_selection(selection)),
          m_db(store::open_store(path, store::OpenMode::read_only))
    {
        guarded([&] {
            store::register_measurements_table(m_db);
            store::register_stats_functions(m_db);
            m_snapshot.emplace(m_db, store::TransactionKind::read);
            store::require_known_ids(m_db, m_sel);  // also the first read, which fixes the snapshot
        });
    }

    std::string name() const override { return std::filesystem::path(m_db.getFilename()).filename().string(); }

    void load_comparison(const compare_::SideSpec& base, const compare_::SideSpec& head, std::size_t last,
                         compare_::Samples& samples) override
    {
        guarded([&] {
            std::array<std::vector<std::int64_t>, 2> refs;
            refs[compare_::head_side] = compare_::select_side(m_db, head, m_selection, last, {});
            refs[compare_::base_side] =
                compare_::select_side(m_db, base, m_selection, last, refs[compare_::head_side]);
            compare_::SampleCollector collector(samples);
            compare_::load_store_samples(m_db, refs, collector);
        });
    }

    Overview overview() override
    {
        Overview o;
        guarded([&] {
            o.repositories = store::distinct_values(m_db, m_sel, store::BenchmarkText::repository);
            o.branches = store::distinct_values(m_db, m_sel, store::BenchmarkText::branch);
            o.hosts = store::distinct_values(m_db, m_sel, store::BenchmarkText::host);
            Query q = store::selection_overview(m_db, m_sel);
            const auto count = [&](const char* name) { return static_cast<std::uint64_t>(q.integer(q.column(name))); };
            q.step();
            o.commits = count("commits");
            o.first_created = q.text(q.column("first_created"));
            o.last_created = q.text(q.column("last_created"));
            o.benchmarks = count("benchmarks");
            o.completed = count("completed");
            o.failed = count("failed");
            o.running = count("running");
            o.device_rows = measurement_rows(store::MeasurementTable::device_measurements);
            o.model_rows = measurement_rows(store::MeasurementTable::model_measurements);
        });
        return o;
    }

    void for_each_benchmark(const std::function<void(const BenchmarkInfo&)>& visit) override
    {
        guarded([&] {
            Query q = store::report_benchmarks(m_db, m_sel);
            const BenchmarkReader reader(q);
            while (q.step()) visit(reader.read(q));
        });
    }

    void for_each_trend_point(const std::function<void(const TrendPoint&)>& visit) override
    {
        guarded([&] {
            Query q = store::trend_points(m_db, m_sel);
            const Column metric = q.column("metric"), host = q.column("host"), module = q.column("module"),
                         label = q.column("metadata_label"), commit = q.column("commit_id"), time = q.column("time"),
                         value = q.column("value");
            while (q.step())
                visit({q.text(metric), q.text(host), q.text(module), q.text(label), q.text(commit), q.text(time),
                       q.real(value)});
        });
    }

    // Every sample: SQLite hands rows over cheaply enough for the reduction to happen in the page code.
    void for_each_device_series(DeviceVisitor& visitor, std::uint32_t max_series, std::uint32_t) override
    {
        guarded([&] {
            // The newest max_series benchmarks with device rows, walked oldest first like the table.
            const auto refs = store::newest_with_device_rows(m_db, m_sel, max_series);
            for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
                Query one = store::report_benchmark(m_db, *it);
                const BenchmarkReader reader(one);
                one.step();
                visitor.begin(reader.read(one));
                Query rows = store::device_rows_of(m_db, *it);
                const Column cpu = rows.column("cpu_util"), mem = rows.column("mem_megabytes"),
                             gpu = rows.column("gpu_util"), gpu_mem = rows.column("gpu_mem_megabytes"),
                             time = rows.column("time");
                while (rows.step())
                    visitor.sample({rows.optional_real(cpu), rows.optional_real(mem), rows.optional_real(gpu),
                                    rows.optional_real(gpu_mem), rows.text(time), std::nullopt});
                visitor.end();
            }
        });
    }

private:
    template <typename Fn>
    void guarded(Fn&& fn)
    {
        try {
            fn();
        } catch (const SQLite::Exception& e) {
            throw StoreError(m_db.getFilename() + ": cannot read store: " + e.what());
        }
    }

    std::uint64_t measurement_rows(store::MeasurementTable table)
    {
        return static_cast<std::uint64_t>(store::count_measurements(m_db, m_sel, table));
    }

    Selection m_selection;
    store::SelectionSql m_sel;
    SQLite::Database m_db;
    std::optional<store::Transaction> m_snapshot;  // read; rolled back (nothing to keep) at the end
};

} // namespace

std::unique_ptr<ResultsSource> open_store_results(const std::filesystem::path& db_path, const Selection& selection)
{
    return std::make_unique<StoreSource>(db_path, selection);
}

} // namespace benchstore::results
