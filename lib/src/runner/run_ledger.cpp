#include "runner/run_ledger.hpp"

#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "store/sqlite_store.hpp"

namespace benchstore::runner {

std::vector<ModuleBenchmark> module_benchmarks(const std::filesystem::path& db, const std::string& run_id,
                                               const std::string& module)
{
    try {
        auto conn = store::open_store(db, store::OpenMode::read_only);
        SQLite::Statement st(conn, "SELECT benchmark_id, status FROM benchmarks WHERE run_id = ? AND module = ? ORDER BY id");
        st.bind(1, run_id);
        st.bind(2, module);
        std::vector<ModuleBenchmark> out;
        while (st.executeStep()) out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString()});
        return out;
    } catch (const SQLite::Exception& e) {
        throw StoreError(db.string() + ": cannot read the run's benchmarks: " + e.what());
    }
}

RunCounts count_run(const std::filesystem::path& db, const std::string& run_id)
{
    try {
        auto conn = store::open_store(db, store::OpenMode::read_only);
        RunCounts c;
        SQLite::Statement st(conn, "SELECT status, count(*) FROM benchmarks WHERE run_id = ? GROUP BY status");
        st.bind(1, run_id);
        while (st.executeStep()) {
            const std::string status = st.getColumn(0).getString();
            const auto n = static_cast<std::size_t>(st.getColumn(1).getInt64());
            if (status == "completed") c.completed = n;
            else if (status == "failed") c.failed = n;
            else c.running += n;
        }
        auto rows = [&](const char* table) {
            SQLite::Statement q(conn, std::string("SELECT count(*) FROM ") + table +
                                          " AS m JOIN benchmarks AS b ON b.id = m.benchmark_ref WHERE b.run_id = ?");
            q.bind(1, run_id);
            q.executeStep();
            return static_cast<std::size_t>(q.getColumn(0).getInt64());
        };
        c.device_measurements = rows("device_measurements");
        c.model_measurements = rows("model_measurements");
        return c;
    } catch (const SQLite::Exception& e) {
        throw StoreError(db.string() + ": cannot count the run's rows: " + e.what());
    }
}

} // namespace benchstore::runner
