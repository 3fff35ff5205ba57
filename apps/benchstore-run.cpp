// benchstore-run: runs every benchmark module in the benches folder and records into a SQLite file.
// Thin: options in, one library call, an exit code out (0 all succeeded, 1 any failed or an error,
// 2 bad usage).
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

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct HelpRequested {};

benchstore::RunnerOptions parse(int argc, char** argv, cxxopts::Options& cli)
{
    cli.add_options()
        ("db", "SQLite file to record into (created if missing)", cxxopts::value<std::string>()->default_value("benchmarks.db"))
        ("benches", "folder of benchmark modules (*.so)", cxxopts::value<std::string>()->default_value(BENCHSTORE_DEFAULT_BENCHES_DIR))
        ("only", "run only these modules (repeat or comma-separate names)", cxxopts::value<std::vector<std::string>>())
        ("timeout", "seconds a module may run before it is killed (0 = no limit)", cxxopts::value<double>()->default_value("3600"))
        ("h,help", "show this help")
        ("positional", "", cxxopts::value<std::vector<std::string>>());
    cli.parse_positional({"positional"});
    cli.positional_help("REPOSITORY BRANCH COMMIT_ID COMMIT_MSG");
    const auto args = cli.parse(argc, argv);
    if (args.count("help")) throw HelpRequested{};
    const auto positional = args.count("positional") ? args["positional"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (positional.size() != 4)
        throw UsageError("expected 4 arguments REPOSITORY BRANCH COMMIT_ID COMMIT_MSG, got " + std::to_string(positional.size()));
    benchstore::RunnerOptions o;
    o.repository = positional[0];
    o.branch = positional[1];
    o.commit_id = positional[2];
    o.commit_msg = positional[3];
    if (o.repository.empty()) throw UsageError("REPOSITORY must not be empty");
    o.db_path = args["db"].as<std::string>();
    o.benches_dir = args["benches"].as<std::string>();
    if (args.count("only")) o.only = args["only"].as<std::vector<std::string>>();
    const double timeout = args["timeout"].as<double>();
    if (!std::isfinite(timeout) || timeout < 0) throw UsageError("--timeout must be a number of seconds >= 0");
    o.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(timeout * 1000)));
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli(program, "Run the benchmark modules and record their results in a SQLite file.");
    benchstore::RunnerOptions options;
    try {
        options = parse(argc, argv, cli);
    } catch (const HelpRequested&) {
        std::cout << cli.help();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << e.what() << "\n"
                  << "usage: " << program << " REPOSITORY BRANCH COMMIT_ID COMMIT_MSG [--db FILE] [--benches DIR] "
                  << "[--only NAME]... [--timeout SECONDS] (see --help)\n";
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
