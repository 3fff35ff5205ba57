#include "cli/run_command.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <cxxopts.hpp>

#include "benchstore/logger.hpp"
#include "benchstore/runner.hpp"
#include "cli/cli.hpp"
#include "cli/number_options.hpp"

namespace benchstore::cli {
namespace {

constexpr double min_timeout_seconds = 0.001;
constexpr double max_timeout_seconds = 365.0 * 24 * 3600;  // 31536000

Program run_program(const std::string& name)
{
    return {name,
            name + " REPOSITORY BRANCH COMMIT_ID COMMIT_MSG [--db FILE] [--benches DIR] [--only NAME]... "
                   "[--timeout SECONDS] [--repeat N] [--python PATH] [--csv [--csv-output-dir DIR]] "
                   "[--log-level LEVEL] (see --help)",
            {},
            {""},  // --help lists the options, not the positional arguments' hidden group
            {}};
}

int parse_and_run(const Program& program, const RunCommandDefaults& defaults, int argc, const char* const* argv)
{
    cxxopts::Options cli(program.name, "Run the benchmark modules and record their results in a SQLite file.");
    const std::string db_help = "SQLite file to record into (created if missing)" +
                                (defaults.db_help.empty() ? std::string() : "; " + defaults.db_help);
    cli.add_options()
        ("db", db_help, cxxopts::value<std::string>()->default_value(defaults.db), "FILE")
        ("benches", "folder of benchmark modules (*.so and *.py)", cxxopts::value<std::string>()->default_value(defaults.benches), "DIR")
        ("only", "run only these modules (repeat or comma-separate names)", cxxopts::value<std::vector<std::string>>(), "NAME")
        ("timeout", "seconds a module may run before it is killed (0 = no limit, else 0.001 to 31536000)", cxxopts::value<std::string>()->default_value("3600"), "SECONDS")
        ("repeat", "run every module N times, each in a fresh process (samples for benchstore-compare)",
         cxxopts::value<std::string>()->default_value("1"), "N")
        ("csv", "also export this run's results as the four CSV files (benchmarks, device and model measurements, summary)")
        ("csv-output-dir", "folder for the CSV files", cxxopts::value<std::string>()->default_value("benchmark_results"), "DIR")
        ("log-level", "least important log lines shown: debug, info, warning or error", cxxopts::value<std::string>()->default_value("info"), "LEVEL")
        ("python", "Python interpreter for *.py modules (default: $BENCHSTORE_PYTHON, else " + defaults.python + ")",
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
    const auto parsed = parse(program, cli, argc, argv);
    if (!parsed) return exit_success;
    const auto& args = *parsed;
    std::size_t given = 0;
    for (const char* name : {"repository", "branch", "commit_id", "commit_msg"}) given += args.count(name);
    if (args.count("extra") || given != 4)
        throw UsageError("expected 4 arguments REPOSITORY BRANCH COMMIT_ID COMMIT_MSG, got " +
                         (args.count("extra") ? std::string("more") : std::to_string(given)));
    RunnerOptions o;
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
    else o.python = defaults.python;
    if (o.python.empty()) throw UsageError("--python must not be empty");
    o.python_path = defaults.python_path;
    o.repeat = whole_number_option("--repeat", args["repeat"].as<std::string>(), 1, 10000);
    if (args.count("csv")) o.csv_output_dir = args["csv-output-dir"].as<std::string>();
    else if (args.count("csv-output-dir")) throw UsageError("--csv-output-dir needs --csv");
    // 0 = no limit; otherwise at least the 1 ms the limit is kept to (a smaller value would round to
    // 0 and silently mean "none") and at most a year (far from overflowing the milliseconds).
    const double timeout = number_option("--timeout", args["timeout"].as<std::string>());
    if (!(timeout == 0 || (timeout >= min_timeout_seconds && timeout <= max_timeout_seconds)))
        throw UsageError("--timeout must be 0 (no limit) or from 0.001 to 31536000 seconds");
    o.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(timeout * 1000)));
    const std::string level = args["log-level"].as<std::string>();
    const auto log_level = log_level_from_name(level);
    if (!log_level) throw UsageError("--log-level must be debug, info, warning or error, not '" + level + "'");

    Logger logger(std::cout, *log_level);
    const auto summary = run_benchmarks(o, logger);
    std::cout << describe_results(summary) << std::flush;
    return summary.all_succeeded() ? exit_success : exit_error;
}

} // namespace

int run_command(const RunCommandDefaults& defaults, int argc, const char* const* argv) noexcept
{
    const Program program = run_program(defaults.program);
    return run_main(program, [&] { return parse_and_run(program, defaults, argc, argv); });
}

} // namespace benchstore::cli
