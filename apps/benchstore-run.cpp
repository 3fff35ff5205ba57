// benchstore-run: runs every benchmark module in the benches folder and records into a SQLite file.
// Thin: the command line is cli/run_command.hpp's (shared with `python3 -m benchstore`), which parses,
// makes one library call and returns the exit status (0 all succeeded, 1 any failed or an error,
// 2 bad usage; cli/cli.hpp prints the errors); this file gives it the defaults of the installed or
// built program. SIGPIPE is ignored for the whole program: with standard
// output a closed pipe (`benchstore-run ... | head -n 3`) the lost log and summary lines are dropped,
// every module still runs and is recorded, and the exit status speaks for the benchmarks alone.
#include <signal.h>

#include <filesystem>

#include "cli/cli.hpp"
#include "cli/run_command.hpp"

#ifndef BENCHSTORE_DEFAULT_BENCHES_DIR
#define BENCHSTORE_DEFAULT_BENCHES_DIR "benches"
#endif
#ifndef BENCHSTORE_INSTALLED_BENCHES_DIR
#define BENCHSTORE_INSTALLED_BENCHES_DIR "../lib/benchstore/benches"
#endif
// The interpreter the Python package was built for, and the build tree's package folder (used for *.py
// modules while it exists, so the package need not be installed to run from the build).
#ifndef BENCHSTORE_DEFAULT_PYTHON
#define BENCHSTORE_DEFAULT_PYTHON "python3"
#endif
#ifndef BENCHSTORE_PYTHON_BUILD_DIR
#define BENCHSTORE_PYTHON_BUILD_DIR ""
#endif

namespace {

// Installed (the .deb, cmake --install), the bundled modules lie at BENCHSTORE_INSTALLED_BENCHES_DIR
// relative to this executable's folder; in the build tree they are where the build put them.
std::string default_benches_dir()
{
    const std::filesystem::path exe = benchstore::cli::executable_path();
    if (!exe.empty()) {
        std::error_code ec;
        const auto installed = (exe.parent_path() / BENCHSTORE_INSTALLED_BENCHES_DIR).lexically_normal();
        if (std::filesystem::is_directory(installed, ec)) return installed.string();
    }
    return BENCHSTORE_DEFAULT_BENCHES_DIR;
}

} // namespace

int main(int argc, char** argv)
{
    signal(SIGPIPE, SIG_IGN);
    benchstore::cli::RunCommandDefaults defaults;
    defaults.benches = default_benches_dir();
    defaults.python = BENCHSTORE_DEFAULT_PYTHON;
    std::error_code ec;
    if (const std::filesystem::path build_dir = BENCHSTORE_PYTHON_BUILD_DIR;
        !build_dir.empty() && std::filesystem::exists(build_dir / "benchstore" / "__init__.py", ec))
        defaults.python_path.push_back(build_dir);
    return benchstore::cli::run_command(defaults, argc, argv);
}
