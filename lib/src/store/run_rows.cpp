#include "store/run_rows.hpp"

#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "store/benchmark_rows.hpp"
#include "store/query.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore::store {

void insert_run(SQLite::Database& db, const RunRecord& run)
{
    with_write_transaction(db, [&] {
        SQLite::Statement st(db, "INSERT INTO runs (run_id, host, boot_id, pid, pid_start, started_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
        st.bind(1, run.run_id);
        st.bind(2, run.host);
        st.bind(3, run.boot_id);
        st.bind(4, run.pid);
        st.bind(5, run.pid_start);
        st.bind(6, run.started_at);
        st.exec();
    });
}

std::vector<RunningBenchmark> running_benchmarks_of_host(SQLite::Database& db, const std::string& host)
{
    Query q(db,
            "SELECT b.benchmark_id AS benchmark_id, r.run_id AS run_id, r.boot_id AS boot_id, r.pid AS pid, "
            "r.pid_start AS pid_start FROM benchmarks AS b JOIN runs AS r ON r.run_id = b.run_id "
            // Merged benchmarks (origin set) ran on another machine: its runner settles them.
            "WHERE b.status = 'running' AND r.host = ? AND b.origin IS NULL ORDER BY b.id",
            {host});
    const Column benchmark_id = q.column("benchmark_id"), run_id = q.column("run_id"), boot_id = q.column("boot_id"),
                 pid = q.column("pid"), pid_start = q.column("pid_start");
    std::vector<RunningBenchmark> out;
    while (q.step())
        out.push_back({std::string(q.text(benchmark_id)), std::string(q.text(run_id)), std::string(q.text(boot_id)),
                       q.integer(pid), q.integer(pid_start)});
    return out;
}

std::vector<ModuleBenchmark> module_benchmarks(const std::filesystem::path& db, const std::string& run_id,
                                               const std::string& module)
{
    auto conn = open_store(db, OpenMode::read_only);
    Query q(conn,
            std::string("SELECT ") + benchmark_select_list +
                " FROM benchmarks b WHERE b.run_id = ? AND b.module = ? ORDER BY b.id",
            {run_id, module});
    const BenchmarkColumns columns(q);
    std::vector<ModuleBenchmark> out;
    while (q.step()) {
        const BenchmarkRow row = columns.read(q);
        out.push_back({std::string(row.benchmark_id), std::string(row.status)});
    }
    return out;
}

RunCounts count_run(const std::filesystem::path& db, const std::string& run_id)
{
    auto conn = open_store(db, OpenMode::read_only);
    try {
        return with_read_transaction(conn, [&] {
            RunCounts c;
            Query q(conn, "SELECT status AS status, count(*) AS n FROM benchmarks WHERE run_id = ? GROUP BY status",
                    {run_id});
            const Column status = q.column("status"), n = q.column("n");
            while (q.step()) {
                const auto count = static_cast<std::size_t>(q.integer(n));
                if (q.text(status) == "completed") c.completed = count;
                else if (q.text(status) == "failed") c.failed = count;
                else c.running += count;
            }
            auto rows = [&](const char* table) {
                return static_cast<std::size_t>(query_integer(
                    conn, std::string("SELECT count(*) FROM ") + table +
                              " AS m JOIN benchmarks AS b ON b.id = m.benchmark_ref WHERE b.run_id = ?",
                    {run_id}));
            };
            c.device_measurements = rows("device_measurements");
            c.model_measurements = rows("model_measurements");
            return c;
        });
    } catch (const SQLite::Exception& e) {
        throw StoreError(db.string() + ": cannot count the run's rows: " + e.what());
    }
}

} // namespace benchstore::store
