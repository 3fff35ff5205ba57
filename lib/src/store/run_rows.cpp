#include "store/run_rows.hpp"

#include "store/query.hpp"

namespace benchstore::store {

std::vector<RunningBenchmark> running_benchmarks_of_host(SQLite::Database& db, const std::string& host)
{
    Query q(db,
            "SELECT b.benchmark_id AS benchmark_id, r.run_id AS run_id, r.boot_id AS boot_id, r.pid AS pid, "
            "r.pid_start AS pid_start FROM benchmarks AS b JOIN runs AS r ON r.run_id = b.run_id "
            "WHERE b.status = 'running' AND r.host = ? ORDER BY b.id",
            {host});
    const Column benchmark_id = q.column("benchmark_id"), run_id = q.column("run_id"), boot_id = q.column("boot_id"),
                 pid = q.column("pid"), pid_start = q.column("pid_start");
    std::vector<RunningBenchmark> out;
    while (q.step())
        out.push_back({std::string(q.text(benchmark_id)), std::string(q.text(run_id)), std::string(q.text(boot_id)),
                       q.integer(pid), q.integer(pid_start)});
    return out;
}

} // namespace benchstore::store
