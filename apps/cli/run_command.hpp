#pragma once
// benchstore-run's command line, defined once: the benchstore-run executable and `python3 -m benchstore`
// (through the extension, python/src/runner_binding.cpp) both parse with it, so their options, defaults'
// rules, limits and messages cannot drift apart. Only the defaults that depend on who runs it differ
// (the program's name, the store, the benches folder, the interpreter for *.py modules), and they are
// passed in.
#include <filesystem>
#include <string>
#include <vector>

namespace benchstore::cli {

struct RunCommandDefaults {
    std::string program = "benchstore-run";  // name in --version, --help, error and usage lines
    std::string db = "benchmarks.db";        // --db
    std::string db_help;                     // what --help adds about where the default store comes from
    std::string benches;                     // --benches
    std::string python;                      // --python when neither it nor $BENCHSTORE_PYTHON is given
    std::vector<std::filesystem::path> python_path;  // put in front of PYTHONPATH for *.py modules
};

// Parses argv as benchstore-run's command line, runs the modules, prints the summary and returns the
// exit status: 0 all succeeded, 1 any failed or an error, 2 bad usage (errors printed on stderr as
// every executable does, cli.hpp's run_main). Never throws.
int run_command(const RunCommandDefaults& defaults, int argc, const char* const* argv) noexcept;

} // namespace benchstore::cli
