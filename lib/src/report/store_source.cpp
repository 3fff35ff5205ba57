// The report's data from a local SQLite store, through the export's selection and its read-only
// statement wrapper. One read transaction for the source's life: every query sees one snapshot.
#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "export/query.hpp"
#include "export/selection.hpp"
#include "report/report_source.hpp"
#include "store/sqlite_store.hpp"

namespace benchstore::report {
namespace {

using csv::Query;

// metadata as "key=value, key=value" in stored order; the stored text when it is not a JSON object.
std::string metadata_label(const std::string& column)
{
    return "CASE WHEN json_valid(" + column + ") AND json_type(" + column + ") = 'object' THEN coalesce((SELECT "
           "group_concat(key || '=' || CAST(value AS TEXT), ', ') FROM json_each(" + column + ")), '') ELSE " +
           column + " END";
}

std::optional<double> optional_real(const Query& q, int column)
{
    if (q.is_null(column)) return std::nullopt;
    return q.real(column);
}

class StoreSource final : public ReportSource {
public:
    StoreSource(const std::filesystem::path& path, const ExportSelection& selection)
        : m_sel(csv::compile_selection(selection)), m_db(store::open_store(path, store::OpenMode::read_only))
    {
        guarded([&] {
            m_db.exec("BEGIN");
            csv::require_known_ids(m_db, m_sel);  // also the first read, which fixes the snapshot
        });
    }

    ~StoreSource() override
    {
        try {
            m_db.exec("COMMIT");
        } catch (...) {
            // A read transaction has nothing to keep; closing the connection ends it.
        }
    }

    Overview overview() override
    {
        Overview o;
        guarded([&] {
            o.repositories = distinct("repository");
            o.branches = distinct("branch");
            o.hosts = distinct("host");
            Query q(m_db,
                    "SELECT count(DISTINCT b.commit_id), min(b.created_at), max(b.created_at), count(*), "
                    "total(b.status = 'completed'), total(b.status = 'failed'), total(b.status = 'running') "
                    "FROM benchmarks b WHERE " + m_sel.condition,
                    m_sel.params);
            q.step();
            o.commits = static_cast<std::uint64_t>(q.integer(0));
            o.first_created = q.text(1);
            o.last_created = q.text(2);
            o.benchmarks = static_cast<std::uint64_t>(q.integer(3));
            o.completed = static_cast<std::uint64_t>(q.integer(4));
            o.failed = static_cast<std::uint64_t>(q.integer(5));
            o.running = static_cast<std::uint64_t>(q.integer(6));
            o.device_rows = count_rows("device_measurements");
            o.model_rows = count_rows("model_measurements");
        });
        return o;
    }

    void for_each_benchmark(const std::function<void(const BenchmarkInfo&)>& visit) override
    {
        guarded([&] {
            Query q(m_db, benchmark_query("b.id"), m_sel.params);
            while (q.step()) visit(benchmark(q));
        });
    }

    void for_each_trend_point(const std::function<void(const TrendPoint&)>& visit) override
    {
        guarded([&] {
            // SQLite sorts in bounded memory (spilling to temporary files), so this streams too.
            Query q(m_db,
                    "SELECT j.key, coalesce(b.module, ''), " + metadata_label("b.metadata") + ", b.commit_id, m.time, j.value "
                    "FROM benchmarks b JOIN model_measurements m ON m.benchmark_ref = b.id "
                    "JOIN json_each(m.measurements) j WHERE (" + m_sel.condition +
                        ") AND j.type IN ('integer', 'real') ORDER BY 1, 2, 3, m.time, m.id",
                    m_sel.params);
            while (q.step()) visit({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.real(5)});
        });
    }

    void for_each_device_series(DeviceVisitor& visitor, std::uint32_t max_series) override
    {
        guarded([&] {
            std::vector<std::string> params = m_sel.params;
            params.push_back(std::to_string(max_series));
            Query list(m_db,
                       "SELECT * FROM (" + benchmark_query("b.id DESC") + ") WHERE device_rows > 0 "
                       "ORDER BY ref DESC LIMIT CAST(? AS INTEGER)",
                       params);
            // The newest last in the page, like the table: collect the refs, then walk them oldest first.
            std::vector<std::int64_t> refs;
            while (list.step()) refs.push_back(list.integer(13));
            for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
                Query one(m_db, benchmark_query("b.id", "b.id = CAST(? AS INTEGER)"), {std::to_string(*it)});
                one.step();
                visitor.begin(benchmark(one));
                Query rows(m_db,
                           "SELECT cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time "
                           "FROM device_measurements WHERE benchmark_ref = CAST(? AS INTEGER) ORDER BY id",
                           {std::to_string(*it)});
                while (rows.step())
                    visitor.sample({optional_real(rows, 0), optional_real(rows, 1), optional_real(rows, 2),
                                    optional_real(rows, 3), rows.text(4)});
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

    // Columns 0..12 are BenchmarkInfo's, 13 the local id. With a condition, it replaces the selection.
    std::string benchmark_query(const std::string& order, const std::string& condition = {}) const
    {
        return "SELECT b.benchmark_id, b.repository, b.branch, b.commit_id, b.commit_message, b.host, "
               "coalesce(b.module, ''), " + metadata_label("b.metadata") + ", b.created_at, b.status, coalesce(b.status_reason, ''), "
               "(SELECT count(*) FROM device_measurements d WHERE d.benchmark_ref = b.id) AS device_rows, "
               "(SELECT count(*) FROM model_measurements m WHERE m.benchmark_ref = b.id), b.id AS ref "
               "FROM benchmarks b WHERE " + (condition.empty() ? m_sel.condition : condition) +
               " ORDER BY " + order;
    }

    static BenchmarkInfo benchmark(const Query& q)
    {
        return {q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7),
                q.text(8), q.text(9), q.text(10), static_cast<std::uint64_t>(q.integer(11)),
                static_cast<std::uint64_t>(q.integer(12))};
    }

    std::vector<std::string> distinct(const std::string& column)
    {
        std::vector<std::string> out;
        Query q(m_db, "SELECT DISTINCT b." + column + " FROM benchmarks b WHERE " + m_sel.condition + " ORDER BY 1",
                m_sel.params);
        while (q.step()) out.emplace_back(q.text(0));
        return out;
    }

    std::uint64_t count_rows(const std::string& table)
    {
        Query q(m_db,
                "SELECT count(*) FROM " + table + " WHERE benchmark_ref IN (SELECT b.id FROM benchmarks b WHERE " +
                    m_sel.condition + ")",
                m_sel.params);
        q.step();
        return static_cast<std::uint64_t>(q.integer(0));
    }

    csv::SelectionSql m_sel;
    SQLite::Database m_db;
};

} // namespace

std::unique_ptr<ReportSource> open_store_source(const std::filesystem::path& db_path,
                                                const ExportSelection& selection)
{
    return std::make_unique<StoreSource>(db_path, selection);
}

} // namespace benchstore::report
