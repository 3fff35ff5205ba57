#pragma once
// The runs table's reader and writer (the runner's ledger: which process ran each benchstore-run
// invocation), and what the runner reads back about its own run: a module's benchmarks and the run's
// totals. Internal to the library; the benchmarks themselves are written through MetricsRecorder.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace benchstore::store {

// One row of the runs table: the run and the process that ran it.
struct RunRecord {
    std::string run_id;
    std::string host;
    std::string boot_id;
    std::int64_t pid = 0;
    std::int64_t pid_start = 0;  // the process's start time in clock ticks since boot
    std::string started_at;      // a store timestamp
};

// Adds run to the runs table, in its own write transaction. Throws SQLite::Exception.
void insert_run(SQLite::Database& db, const RunRecord& run);

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

struct ModuleBenchmark {
    std::string benchmark_id;
    std::string status;  // running | completed | failed
};

struct RunCounts {
    std::size_t completed = 0;
    std::size_t failed = 0;
    std::size_t running = 0;
    std::size_t device_measurements = 0;
    std::size_t model_measurements = 0;
};

// Benchmarks recorded in db for (run_id, module), oldest first. Throws StoreError.
std::vector<ModuleBenchmark> module_benchmarks(const std::filesystem::path& db, const std::string& run_id,
                                               const std::string& module);

// Totals for run_id, read in one snapshot. Throws StoreError.
RunCounts count_run(const std::filesystem::path& db, const std::string& run_id);

} // namespace benchstore::store
