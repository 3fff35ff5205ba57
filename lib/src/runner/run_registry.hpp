#pragma once
// The store's `runs` table: which runner process a run belongs to, so that a later runner can tell a
// run whose runner died (kill -9, power loss, a reboot) from one still going. Internal to the runner.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace benchstore::runner {

// A process as the kernel names it across pid reuse: this boot, its pid, and when it started.
struct ProcessIdentity {
    std::string boot_id;
    std::int64_t pid = 0;
    std::int64_t start_ticks = 0;  // /proc/PID/stat field 22
};

// This process. Throws Error when /proc cannot be read.
ProcessIdentity this_process();

// True when identity names a process running now on this machine.
bool is_alive(const ProcessIdentity& identity);

// Records run_id as run by this process on host. Throws StoreError.
void record_run(const std::filesystem::path& db, const std::string& run_id, const std::string& host);

struct OrphanedBenchmark {
    std::string benchmark_id;
    std::string run_id;
};

// The `running` benchmarks of runs recorded on host whose runner is no longer alive. Benchmarks of
// runs without a runs row (a runner older than the table, or a recorder outside the runner) are never
// returned: nothing says whose they are. Throws StoreError.
std::vector<OrphanedBenchmark> orphaned_benchmarks(const std::filesystem::path& db, const std::string& host);

} // namespace benchstore::runner
