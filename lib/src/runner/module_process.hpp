#pragma once
// Running one benchmark module in a child process: fork, dlopen and run_benchmark in the child, wait
// with a time limit in the parent. Internal to the runner.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "benchstore/metrics_recorder.hpp"

namespace benchstore {
class Logger;
}

namespace benchstore::runner {

struct ModuleJob {
    std::filesystem::path path;        // the module's .so or .py
    RecorderOptions recorder_options;  // the child's recorder: run_id and module already set
    std::chrono::milliseconds timeout{}; // zero = none
    std::filesystem::path python = "python3";       // interpreter for a .py module
    std::vector<std::filesystem::path> python_path; // put in front of PYTHONPATH for it
};

enum class OutcomeKind {
    returned,     // run_benchmark returned
    load_failed,  // dlopen/dlsym/ABI check failed
    store_failed, // the child could not open the store
    threw,        // run_benchmark threw
    signalled,    // the child died of a signal (segfault, abort, ...)
    exited,       // the child exited without run_benchmark returning
    timed_out,    // killed after the timeout
    interrupted   // killed because the runner got SIGINT/SIGTERM/SIGHUP/SIGQUIT
};

struct ModuleOutcome {
    OutcomeKind kind = OutcomeKind::returned;
    std::string reason;  // for the log and status_reason; empty when returned
    double seconds = 0;
};

// Forks, runs the module in the child (a .py module: the Python interpreter, see python_child.hpp) (its own process group) and waits for it. When *stop_signal
// becomes non-zero the child's group is killed. The child gets SIGKILL if the runner dies first
// (PR_SET_PDEATHSIG), and a watchdog process in the child's group kills the whole group then (what the
// module forked included; a descendant that left the group with setsid() is out of reach); it ignores SIGPIPE. The caller must leave SIGCHLD's disposition at SIG_DFL (not
// SIG_IGN) so the child can be waited for. Throws Error only when fork, pipe or waitpid fail.
ModuleOutcome run_module_process(const ModuleJob& job, Logger& logger, const std::atomic<int>& stop_signal);

} // namespace benchstore::runner
