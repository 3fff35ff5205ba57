#pragma once
// The runner behind benchstore-run: discovers the benchmark modules in a folder and runs each one in
// its own child process, recording into one SQLite store. The C++ counterpart of the seed's
// benchmarks_entrypoint.py __main__.
//
// For each module (a *.so file in benches_dir, in name order) the runner forks; the child opens its
// own MetricsRecorder on db_path (same repository/branch/commit, the run's run_id, module = the
// module's name), dlopen()s the module and calls run_benchmark (see benchmark_module.hpp). The parent
// waits, up to the timeout, then:
//   - run_benchmark returned: the module's benchmarks still `running` are marked `completed`;
//   - it failed to load, threw, crashed (a signal), exited early or timed out (its whole process group
//     is killed): its benchmarks still `running` are marked `failed` with the reason, and when it had
//     created no benchmark at all one failed benchmark with metadata {"module": name} is recorded so
//     the failure is in the file.
// The remaining modules run either way. SIGINT/SIGTERM/SIGHUP/SIGQUIT during a run kill the current
// module's process group, mark it failed ("interrupted by signal N") and skip the rest. If the runner
// dies outright (kill -9), the module process gets SIGKILL too (PR_SET_PDEATHSIG); processes the module
// itself forked are not covered by that. For the run, SIGCHLD is set to SIG_DFL (an inherited SIG_IGN
// would make the children unwaitable) and SIGPIPE is ignored, so log lines lost to a closed stdout
// never stop the run.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace benchstore {

class Logger;

struct RunnerOptions {
    std::string repository;   // required
    std::string branch;
    std::string commit_id;
    std::string commit_msg;   // stored cut to 70 characters
    std::filesystem::path db_path = "benchmarks.db";  // created if missing
    std::filesystem::path benches_dir;                // required: the folder of built modules
    std::vector<std::string> only;                    // module names (file name without .so); empty = all
    // Per-module time limit; zero = none. Default one hour.
    std::chrono::milliseconds timeout = std::chrono::hours(1);
    // Set = at the end, export this run's benchmarks as the seed's four CSV files into this folder
    // (--csv, --csv-output-dir; see export.hpp). Empty = no CSV files.
    std::optional<std::filesystem::path> csv_output_dir;
    // Repetitions (--repeat N, >= 1): every module runs N times, each time in a fresh process, going
    // round the modules (A B A B ...). Each repetition records its own benchmarks in the same run, so
    // a commit has samples for benchstore-compare. Default 1.
    std::size_t repeat = 1;
};

struct ModuleResult {
    std::string name;              // "mock_benchmark"
    std::filesystem::path path;    // the .so file
    bool succeeded = false;
    std::string failure_reason;    // "killed by signal 11 (Segmentation fault)", empty on success
    std::size_t benchmarks = 0;    // benchmarks recorded for it in this run (incl. a failure record)
    double seconds = 0;            // wall time of its child process
    std::size_t repetition = 1;    // 1..RunnerOptions::repeat
};

struct RunSummary {
    std::string run_id;                   // UUID v7 stored in benchmarks.run_id
    std::filesystem::path db_path;        // absolute
    std::vector<ModuleResult> modules;    // one per module and repetition, in the order they ran
    bool interrupted = false;             // stopped by SIGINT/SIGTERM/SIGHUP/SIGQUIT
    std::size_t benchmarks_completed = 0; // counts over the whole run, read back from the store
    std::size_t benchmarks_failed = 0;
    std::size_t benchmarks_running = 0;
    std::size_t device_measurements = 0;
    std::size_t model_measurements = 0;
    std::vector<std::filesystem::path> csv_files; // written by --csv, in the seed's order
    std::string csv_error;                        // why the CSV export failed; empty = it did not

    std::size_t modules_failed() const;
    // True when no module failed, no benchmark of the run is failed (a module may mark its own), the
    // run was not interrupted and a requested CSV export succeeded: benchstore-run exits 0 exactly then.
    bool all_succeeded() const
    {
        return !interrupted && modules_failed() == 0 && benchmarks_failed == 0 && csv_error.empty();
    }
};

// The modules (*.so) directly in dir, sorted by name. Throws Error naming dir when it is missing
// or unreadable.
std::vector<std::filesystem::path> discover_modules(const std::filesystem::path& dir);

// Runs the modules as described above, logging to logger. Throws InvalidArgument for an empty
// repository, a missing benches folder, no modules, or an --only name with no module; StoreError
// when the store cannot be opened or is damaged (checked before any module runs: PRAGMA quick_check
// up to 256 MiB, a bounded sample of every table above). A failing module is not an exception: see RunSummary.
// Not reentrant: for its duration it installs SIGINT/SIGTERM/SIGHUP/SIGQUIT handlers, sets SIGCHLD to
// SIG_DFL and ignores SIGPIPE (all restored on return), and forks.
RunSummary run_benchmarks(const RunnerOptions& options, Logger& logger);

// A few human-readable lines saying where the results are and what they hold.
std::string describe_results(const RunSummary& summary);

} // namespace benchstore
