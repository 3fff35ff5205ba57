// benchstore-run: runs every benchmark module in the benches folder and records into a SQLite file.
// Thin: options in, one library call, an exit code out (0 all succeeded, 1 any failed or an error,
// 2 bad usage; cli/cli.hpp prints the errors). SIGPIPE is ignored for the whole program: with standard
// output a closed pipe (`benchstore-run ... | head -n 3`) the lost log and summary lines are dropped,
// every module still runs and is recorded, and the exit status speaks for the benchmarks alone.
#include <signal.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <cxxopts.hpp>

#include "benchstore/logger.hpp"
#include "benchstore/runner.hpp"
#include "cli/cli.hpp"
#include "cli/number_options.hpp"

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

using benchstore::cli::UsageError;

constexpr double min_timeout_seconds = 0.001;
constexpr double max_timeout_seconds = 365.0 * 24 * 3600;  // 31536000


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

const benchstore::cli::Program program{
    "benchstore-run",
    "benchstore-run REPOSITORY BRANCH COMMIT_ID COMMIT_MSG [--db FILE] [--benches DIR] [--only NAME]... "
    "[--timeout SECONDS] [--repeat N] [--python PATH] [--csv [--csv-output-dir DIR]] [--log-level LEVEL] (see --help)",
    {},
    {""},  // --help lists the options, not the positional arguments' hidden group
    {}};

int run(int argc, char** argv)
{
    cxxopts::Options cli(program.name, "Run the benchmark modules and record their results in a SQLite file.");
    cli.add_options()
        ("db", "SQLite file to record into (created if missing)", cxxopts::value<std::string>()->default_value("benchmarks.db"), "FILE")
        ("benches", "folder of benchmark modules (*.so and *.py)", cxxopts::value<std::string>()->default_value(default_benches_dir()), "DIR")
        ("only", "run only these modules (repeat or comma-separate names)", cxxopts::value<std::vector<std::string>>(), "NAME")
        ("timeout", "seconds a module may run before it is killed (0 = no limit, else 0.001 to 31536000)", cxxopts::value<std::string>()->default_value("3600"), "SECONDS")
        ("repeat", "run every module N times, each in a fresh process (samples for benchstore-compare)",
         cxxopts::value<std::string>()->default_value("1"), "N")
        ("csv", "also export this run's results as the four CSV files (benchmarks, device and model measurements, summary)")
        ("csv-output-dir", "folder for the CSV files", cxxopts::value<std::string>()->default_value("benchmark_results"), "DIR")
        ("log-level", "least important log lines shown: debug, info, warning or error", cxxopts::value<std::string>()->default_value("info"), "LEVEL")
        ("python", "Python interpreter for *.py modules (default: $BENCHSTORE_PYTHON, else " BENCHSTORE_DEFAULT_PYTHON ")",
         cxxopts::value<std::string>(), "PATH");
    cli.add_options("positional")  // hidden from --help, which lists the positional names instead
        ("repository", "", cxxopts::value<std::string>())
        ("branch", "", cxxopts::value<std::string>())
        ("commit_id", "", cxxopts::value<std::string>())
        ("commit_msg", "", cxxopts::value<std::string>())
        ("extra", "", cxxopts::value<std::vector<std::string>>());
    // One option per positional: a vector option would split a commit message at its commas.
    cli.parse_positional({"repository", "branch", "commit_id", "commit_msg", "extra"});
    cli.positional_help("REPOSITORY BRANCH COMMIT_ID COMMIT_MSG");
    const auto parsed = benchstore::cli::parse(program, cli, argc, argv);
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;
    std::size_t given = 0;
    for (const char* name : {"repository", "branch", "commit_id", "commit_msg"}) given += args.count(name);
    if (args.count("extra") || given != 4)
        throw UsageError("expected 4 arguments REPOSITORY BRANCH COMMIT_ID COMMIT_MSG, got " +
                         (args.count("extra") ? std::string("more") : std::to_string(given)));
    benchstore::RunnerOptions o;
    o.repository = args["repository"].as<std::string>();
    o.branch = args["branch"].as<std::string>();
    o.commit_id = args["commit_id"].as<std::string>();
    o.commit_msg = args["commit_msg"].as<std::string>();
    if (o.repository.empty()) throw UsageError("REPOSITORY must not be empty");
    o.db_path = args["db"].as<std::string>();
    o.benches_dir = args["benches"].as<std::string>();
    if (args.count("only")) o.only = args["only"].as<std::vector<std::string>>();
    if (args.count("python")) o.python = args["python"].as<std::string>();
    else if (const char* env = std::getenv("BENCHSTORE_PYTHON"); env && *env) o.python = env;
    else o.python = BENCHSTORE_DEFAULT_PYTHON;
    if (o.python.empty()) throw UsageError("--python must not be empty");
    std::error_code ec;
    if (const std::filesystem::path build_dir = BENCHSTORE_PYTHON_BUILD_DIR;
        !build_dir.empty() && std::filesystem::exists(build_dir / "benchstore" / "__init__.py", ec))
        o.python_path.push_back(build_dir);
    o.repeat = benchstore::cli::whole_number_option("--repeat", args["repeat"].as<std::string>(), 1, 10000);
    if (args.count("csv")) o.csv_output_dir = args["csv-output-dir"].as<std::string>();
    else if (args.count("csv-output-dir")) throw UsageError("--csv-output-dir needs --csv");
    // 0 = no limit; otherwise at least the 1 ms the limit is kept to (a smaller value would round to
    // 0 and silently mean "none") and at most a year (far from overflowing the milliseconds).
    const double timeout = benchstore::cli::number_option("--timeout", args["timeout"].as<std::string>());
    if (!(timeout == 0 || (timeout >= min_timeout_seconds && timeout <= max_timeout_seconds)))
        throw UsageError("--timeout must be 0 (no limit) or from 0.001 to 31536000 seconds");
    o.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(timeout * 1000)));
    const std::string level = args["log-level"].as<std::string>();
    const auto log_level = benchstore::log_level_from_name(level);
    if (!log_level) throw UsageError("--log-level must be debug, info, warning or error, not '" + level + "'");

    benchstore::Logger logger(std::cout, *log_level);
    const auto summary = benchstore::run_benchmarks(o, logger);
    std::cout << benchstore::describe_results(summary);
    return summary.all_succeeded() ? benchstore::cli::exit_success : benchstore::cli::exit_error;
}

} // namespace

int main(int argc, char** argv)
{
    signal(SIGPIPE, SIG_IGN);
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
