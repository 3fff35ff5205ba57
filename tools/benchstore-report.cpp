// benchstore-report: one self-contained HTML page (charts included, nothing fetched) from a
// benchstore SQLite file. Thin: options -> ReportOptions -> write_report -> exit status
// (0 written, 1 error, 2 bad usage).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/error.hpp"
#include "benchstore/report.hpp"

namespace {

constexpr const char* program = "benchstore-report";

int usage_error(const std::string& message)
{
    std::cerr << program << ": error: " << message << "\n"
              << "usage: " << program << " --db FILE --out report.html [selection...] [--compare BASE HEAD]; see " << program
              << " --help\n";
    return 2;
}

// "--compare BASE HEAD" takes two values, which cxxopts cannot: take them out of argv first.
bool take_compare(std::vector<char*>& args, std::string& base, std::string& head)
{
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (std::string(args[i]) != "--compare") continue;
        if (i + 2 >= args.size() || std::string(args[i + 1]).rfind("--", 0) == 0 ||
            std::string(args[i + 2]).rfind("--", 0) == 0)
            return false;
        base = args[i + 1];
        head = args[i + 2];
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 3);
        return true;
    }
    return true;
}

int run(int argc, char** argv)
{
    std::vector<char*> argv_left(argv, argv + argc);
    std::string compare_base, compare_head;
    if (!take_compare(argv_left, compare_base, compare_head))
        return usage_error("--compare needs two sides: --compare BASE HEAD (commit:SHA, run:ID or branch:NAME)");
    cxxopts::Options cli(program, "Write one self-contained HTML page (tables and charts, no network needed) "
                                  "from a benchstore SQLite file (opened read-only).");
    cli.add_options()
        ("db", "store file to read", cxxopts::value<std::string>()->default_value("benchmarks.db"), "FILE")
        ("out", "the HTML file to write (never replaces an existing file)",
         cxxopts::value<std::string>()->default_value("report.html"), "FILE")
        ("benchmark", "only this benchmark id (repeatable)", cxxopts::value<std::vector<std::string>>(), "ID")
        ("run-id", "only benchmarks of this benchstore-run invocation", cxxopts::value<std::string>(), "ID")
        ("repository", "only this repository", cxxopts::value<std::string>(), "NAME")
        ("branch", "only this branch", cxxopts::value<std::string>(), "NAME")
        ("commit", "only this commit id", cxxopts::value<std::string>(), "SHA")
        ("since", "only benchmarks created at or after (UTC, YYYY-MM-DD[THH:MM[:SS[.ffffff]]])",
         cxxopts::value<std::string>(), "TIME")
        ("until", "only benchmarks created at or before (UTC; a date alone includes that day)",
         cxxopts::value<std::string>(), "TIME")
        ("status", "only benchmarks with this status: running, completed or failed", cxxopts::value<std::string>(),
         "STATUS")
        ("max-points", "device points drawn per line (at least 4)",
         cxxopts::value<std::uint32_t>()->default_value("500"), "N")
        ("max-device-charts", "benchmarks (the newest) that get a device chart",
         cxxopts::value<std::uint32_t>()->default_value("50"), "N")
        ("h,help", "show this help");
    cli.custom_help("[OPTION...] [--compare BASE HEAD]   (sides as benchstore-compare takes them: commit:SHA, "
                    "run:ID, branch:NAME; the comparison table comes first on the page)");

    cxxopts::ParseResult args;
    benchstore::ReportOptions options;
    try {
        args = cli.parse(static_cast<int>(argv_left.size()), argv_left.data());
        if (args.count("help")) {
            std::cout << cli.help();
            return 0;
        }
        if (!args.unmatched().empty()) return usage_error("unexpected argument '" + args.unmatched().front() + "'");
        options.max_points_per_series = args["max-points"].as<std::uint32_t>();
        options.max_device_charts = args["max-device-charts"].as<std::uint32_t>();
    } catch (const cxxopts::exceptions::exception& e) {
        return usage_error(e.what());
    }

    options.compare_base = compare_base;
    options.compare_head = compare_head;
    options.db_path = args["db"].as<std::string>();
    options.output_path = args["out"].as<std::string>();
    auto& sel = options.selection;
    if (args.count("benchmark")) sel.benchmark_ids = args["benchmark"].as<std::vector<std::string>>();
    if (args.count("run-id")) sel.run_id = args["run-id"].as<std::string>();
    if (args.count("repository")) sel.repository = args["repository"].as<std::string>();
    if (args.count("branch")) sel.branch = args["branch"].as<std::string>();
    if (args.count("commit")) sel.commit_id = args["commit"].as<std::string>();
    if (args.count("since")) sel.since = args["since"].as<std::string>();
    if (args.count("until")) sel.until = args["until"].as<std::string>();
    if (args.count("status")) sel.status = args["status"].as<std::string>();

    const auto r = benchstore::write_report(options);
    if (r.benchmarks == 0) std::cout << "no benchmarks matched the selection: the page says so\n";
    std::cout << r.path.string() << " (" << r.page_bytes << " bytes: " << r.benchmarks << " benchmarks, "
              << r.trend_charts << " trend charts, " << r.device_charts << " device charts from " << r.device_rows
              << " device rows)\n";
    if (r.regressions)
        std::cout << "comparison " << compare_base << " -> " << compare_head << ": " << *r.regressions
                  << (*r.regressions == 1 ? " regression" : " regressions") << " (see the page)\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return 1;
    }
}
