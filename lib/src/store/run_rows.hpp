#pragma once
// The runs table's reader (the runner's ledger: which process ran each benchstore-run invocation).
#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace benchstore::store {

// A benchmark still marked running, with the identity of the process that ran its run.
struct RunningBenchmark {
    std::string benchmark_id;
    std::string run_id;
    std::string boot_id;
    std::int64_t pid = 0;
    std::int64_t pid_start = 0;  // the process's start time in clock ticks since boot
};

// The running benchmarks whose run was started on host, oldest first. Throws StoreError.
std::vector<RunningBenchmark> running_benchmarks_of_host(SQLite::Database& db, const std::string& host);

} // namespace benchstore::store
