#include "runner/run_ledger.hpp"

#include "benchstore/error.hpp"
#include "store/benchmark_rows.hpp"
#include "store/query.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore::runner {

std::vector<ModuleBenchmark> module_benchmarks(const std::filesystem::path& db, const std::string& run_id,
                                               const std::string& module)
{
    auto conn = store::open_store(db, store::OpenMode::read_only);
    store::Query q(conn,
                   std::string("SELECT ") + store::benchmark_select_list +
                       " FROM benchmarks b WHERE b.run_id = ? AND b.module = ? ORDER BY b.id",
                   {run_id, module});
    const store::BenchmarkColumns columns(q);
    std::vector<ModuleBenchmark> out;
    while (q.step()) {
        const store::BenchmarkRow row = columns.read(q);
        out.push_back({std::string(row.benchmark_id), std::string(row.status)});
    }
    return out;
}

RunCounts count_run(const std::filesystem::path& db, const std::string& run_id)
{
    auto conn = store::open_store(db, store::OpenMode::read_only);
    try {
    return store::with_read_transaction(conn, [&] {
        RunCounts c;
        store::Query q(conn, "SELECT status AS status, count(*) AS n FROM benchmarks WHERE run_id = ? GROUP BY status",
                       {run_id});
        const store::Column status = q.column("status"), n = q.column("n");
        while (q.step()) {
            const auto count = static_cast<std::size_t>(q.integer(n));
            if (q.text(status) == "completed") c.completed = count;
            else if (q.text(status) == "failed") c.failed = count;
            else c.running += count;
        }
        auto rows = [&](const char* table) {
            return static_cast<std::size_t>(store::query_integer(
                conn, std::string("SELECT count(*) FROM ") + table + " AS m JOIN benchmarks AS b ON b.id = m.benchmark_ref "
                      "WHERE b.run_id = ?", {run_id}));
        };
        c.device_measurements = rows("device_measurements");
        c.model_measurements = rows("model_measurements");
        return c;
    });
    } catch (const SQLite::Exception& e) {
        throw StoreError(db.string() + ": cannot count the run's rows: " + e.what());
    }
}

} // namespace benchstore::runner
