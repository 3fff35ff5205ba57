#pragma once
// What the runner reads back from the store about its own run: a module's benchmarks and their
// statuses, and the run's totals. Internal to the runner; writes go through MetricsRecorder.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace benchstore::runner {

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

// Totals for run_id. Throws StoreError.
RunCounts count_run(const std::filesystem::path& db, const std::string& run_id);

} // namespace benchstore::runner
