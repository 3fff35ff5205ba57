// benchstore-report: one self-contained HTML page (charts included, nothing fetched) from a
// benchstore SQLite file, or from the central PostgreSQL with --dsn. Thin: options -> ReportOptions ->
// write_report -> exit status (0 written, 1 error, 2 bad usage, 3 server unreachable: try later).
#include <exception>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/report.hpp"
#include "benchstore/sync.hpp"
#include "cli/central_options.hpp"
#include "cli/cli.hpp"
#include "cli/number_options.hpp"
#include "cli/selection_options.hpp"

namespace {

using benchstore::cli::UsageError;

const benchstore::cli::Program program{
    "benchstore-report",
    "benchstore-report [--db FILE | --dsn CONNINFO [--statement-timeout SECONDS]] --out FILE [selection...] "
    "[--max-points N] [--max-device-charts N] [--compare BASE HEAD]; see benchstore-report --help",
    benchstore::mask_conninfo,  // no message, usage errors included, ever shows a password
    {}, {}};

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
        throw UsageError("--compare needs two sides: --compare BASE HEAD (commit:SHA, run:ID or branch:NAME)");
    cxxopts::Options cli(program.name, "Write one self-contained HTML page (tables and charts, no network needed) "
                                       "from a benchstore SQLite file (opened read-only), or from the central PostgreSQL "
                                       "(--dsn; read in one read-only transaction).");
    cli.add_options()
        ("db", "store file to read", cxxopts::value<std::string>()->default_value("benchmarks.db"), "FILE");
    benchstore::cli::add_central_options(cli);
    cli.add_options()
        ("out", "the HTML file to write (never replaces an existing file)",
         cxxopts::value<std::string>()->default_value("report.html"), "FILE");
    benchstore::cli::add_selection_options(cli);
    cli.add_options()
        ("max-points", "device points drawn per line (at least 4)",
         cxxopts::value<std::string>()->default_value("500"), "N")
        ("max-device-charts", "benchmarks (the newest) that get a device chart",
         cxxopts::value<std::string>()->default_value("50"), "N");
    cli.custom_help("[OPTION...] [--compare BASE HEAD]   (sides as benchstore-compare takes them: commit:SHA, "
                    "run:ID, branch:NAME; the comparison table comes first on the page)");

    const auto parsed = benchstore::cli::parse(program, cli, static_cast<int>(argv_left.size()), argv_left.data());
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;
    benchstore::ReportOptions options;
    constexpr std::uint32_t most = std::numeric_limits<std::uint32_t>::max();
    options.max_points_per_series = static_cast<std::uint32_t>(
        benchstore::cli::whole_number_option("--max-points", args["max-points"].as<std::string>(), 4, most));
    options.max_device_charts = static_cast<std::uint32_t>(
        benchstore::cli::whole_number_option("--max-device-charts", args["max-device-charts"].as<std::string>(), 0, most));
    if (!compare_base.empty()) {
        benchstore::cli::require_side("--compare side", compare_base);
        benchstore::cli::require_side("--compare side", compare_head);
    }
    options.compare_base = compare_base;
    options.compare_head = compare_head;
    options.db_path = args["db"].as<std::string>();
    const auto central = benchstore::cli::read_central_options(args);
    if (central.central) options.conninfo = central.conninfo;
    options.statement_timeout = central.statement_timeout;
    options.output_path = args["out"].as<std::string>();
    options.selection = benchstore::cli::read_selection(args);

    const auto r = benchstore::write_report(options);
    if (r.benchmarks == 0) std::cout << "no benchmarks matched the selection: the page says so\n";
    std::cout << r.path.string() << " (" << r.page_bytes << " bytes: " << r.benchmarks << " benchmarks, "
              << r.trend_charts << " trend charts, " << r.device_charts << " device charts from " << r.device_rows
              << " device rows)\n";
    if (r.regressions)
        std::cout << "comparison " << compare_base << " -> " << compare_head << ": " << *r.regressions
                  << (*r.regressions == 1 ? " regression" : " regressions") << " (see the page)\n";
    return benchstore::cli::exit_success;
}

} // namespace

int main(int argc, char** argv)
{
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
