// benchstore-run: runs every benchmark module in the benches folder and records into a SQLite file.
// Thin: options in, one library call, an exit code out (0 all succeeded, 1 any failed or an error,
// 2 bad usage). SIGPIPE is ignored for the whole program: with standard output a closed pipe
// (`benchstore-run ... | head -n 3`) the lost log and summary lines are dropped, every module still runs
// and is recorded, and the exit status speaks for the benchmarks alone.
#include <signal.h>

#include <cmath>
#include <exception>
#include <iostream>

#include <cxxopts.hpp>

#include "benchstore/error.hpp"
#include "benchstore/logger.hpp"
#include "benchstore/runner.hpp"

#ifndef BENCHSTORE_DEFAULT_BENCHES_DIR
#define BENCHSTORE_DEFAULT_BENCHES_DIR "benches"
#endif

namespace {

constexpr const char* program = "benchstore-run";
constexpr double min_timeout_seconds = 0.001;
constexpr double max_timeout_seconds = 365.0 * 24 * 3600;  // 31536000

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct HelpRequested {};

// --repeat: a whole number from 1 to 10000 (cxxopts would accept "-1" as a huge size_t).
std::size_t parse_repeat(const std::string& text)
{
    const bool digits = !text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos;
    const long n = digits ? std::stol(text) : 0;
    if (n < 1 || n > 10000) throw UsageError("--repeat must be a whole number from 1 to 10000, got '" + text + "'");
    return static_cast<std::size_t>(n);
}

benchstore::RunnerOptions parse(int argc, char** argv, cxxopts::Options& cli)
{
    cli.add_options()
        ("db", "SQLite file to record into (created if missing)", cxxopts::value<std::string>()->default_value("benchmarks.db"))
        ("benches", "folder of benchmark modules (*.so)", cxxopts::value<std::string>()->default_value(BENCHSTORE_DEFAULT_BENCHES_DIR))
        ("only", "run only these modules (repeat or comma-separate names)", cxxopts::value<std::vector<std::string>>())
        ("timeout", "seconds a module may run before it is killed (0 = no limit, else 0.001 to 31536000)", cxxopts::value<double>()->default_value("3600"))
        ("repeat", "run every module N times, each in a fresh process (samples for benchstore-compare)",
         cxxopts::value<std::string>()->default_value("1"), "N")
        ("csv", "also export this run's results as CSV files (as the seed's --csv)")
        ("csv-output-dir", "folder for the CSV files", cxxopts::value<std::string>()->default_value("benchmark_results"))
        ("h,help", "show this help");
    cli.add_options("positional")  // hidden from --help, which lists the positional names instead
        ("repository", "", cxxopts::value<std::string>())
        ("branch", "", cxxopts::value<std::string>())
        ("commit_id", "", cxxopts::value<std::string>())
        ("commit_msg", "", cxxopts::value<std::string>())
        ("extra", "", cxxopts::value<std::vector<std::string>>());
    // One option per positional: a vector option would split a commit message at its commas.
    cli.parse_positional({"repository", "branch", "commit_id", "commit_msg", "extra"});
    cli.positional_help("REPOSITORY BRANCH COMMIT_ID COMMIT_MSG");
    const auto args = cli.parse(argc, argv);
    if (args.count("help")) throw HelpRequested{};
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
    o.repeat = parse_repeat(args["repeat"].as<std::string>());
    if (args.count("csv")) o.csv_output_dir = args["csv-output-dir"].as<std::string>();
    else if (args.count("csv-output-dir")) throw UsageError("--csv-output-dir needs --csv");
    // 0 = no limit; otherwise at least the 1 ms the limit is kept to (a smaller value would round to
    // 0 and silently mean "none") and at most a year (far from overflowing the milliseconds).
    const double timeout = args["timeout"].as<double>();
    if (!(timeout == 0 || (timeout >= min_timeout_seconds && timeout <= max_timeout_seconds)))
        throw UsageError("--timeout must be 0 (no limit) or from 0.001 to 31536000 seconds");
    o.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(timeout * 1000)));
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    signal(SIGPIPE, SIG_IGN);
    cxxopts::Options cli(program, "Run the benchmark modules and record their results in a SQLite file.");
    benchstore::RunnerOptions options;
    try {
        options = parse(argc, argv, cli);
    } catch (const HelpRequested&) {
        std::cout << cli.help({""});
        return 0;
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << e.what() << "\n"
                  << "usage: " << program << " REPOSITORY BRANCH COMMIT_ID COMMIT_MSG [--db FILE] [--benches DIR] "
                  << "[--only NAME]... [--timeout SECONDS] [--repeat N] [--csv [--csv-output-dir DIR]] (see --help)\n";
        return 2;
    }
    try {
        benchstore::Logger logger;
        const auto summary = benchstore::run_benchmarks(options, logger);
        std::cout << benchstore::describe_results(summary);
        return summary.all_succeeded() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return 1;
    }
}
