// benchstore-compare: did HEAD regress against BASE? From one benchstore store file (offline), or from
// the central PostgreSQL with --dsn.
// Thin: options -> CompareOptions -> compare -> format_comparison -> exit status
// (0 no regression, 4 at least one regression, 1 error, 2 bad usage, 3 server unreachable: try later).
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/compare.hpp"
#include "benchstore/sync.hpp"
#include "cli/central_options.hpp"
#include "cli/cli.hpp"
#include "cli/number_options.hpp"
#include "cli/selection_options.hpp"

namespace {

using benchstore::cli::UsageError;

const benchstore::cli::Program program{
    "benchstore-compare",
    "benchstore-compare [--db FILE | --dsn CONNINFO [--statement-timeout SECONDS]] [--last N] [--alpha A] [--threshold PCT]... [--higher-is-better REGEX] [--no-fdr] "
    "[--mode MODE] [--allow-host-mismatch] [--format F] [--color WHEN] [--repository NAME] [--host NAME] "
    "[--since TIME] [--until TIME] [--status STATUS] BASE HEAD; see benchstore-compare --help",
    benchstore::mask_conninfo,  // no message, usage errors included, ever shows a password
    {}, {}};

// The selection options compare takes; they narrow both sides alike (CompareOptions::filter).
const std::vector<std::string> filter_options{"repository", "host", "since", "until", "status"};

// --threshold PCT or REGEX=PCT, PCT a number >= 0 (a NaN or negative one would never, or always, let
// a change through).
void add_threshold(benchstore::CompareOptions& o, const std::string& text)
{
    const auto eq = text.rfind('=');
    const auto percent = benchstore::cli::finite_number(eq == std::string::npos ? text : text.substr(eq + 1));
    if (eq == 0 || !percent || *percent < 0)
        throw UsageError("--threshold must be PCT or REGEX=PCT with PCT a number >= 0, got '" + text + "'");
    if (eq == std::string::npos) o.threshold_percent = *percent;
    else o.thresholds.push_back({text.substr(0, eq), *percent});
}

benchstore::CompareFormat parse_format(const std::string& f)
{
    if (f == "table") return benchstore::CompareFormat::table;
    if (f == "markdown") return benchstore::CompareFormat::markdown;
    if (f == "csv") return benchstore::CompareFormat::csv;
    if (f == "json") return benchstore::CompareFormat::json;
    throw UsageError("unknown --format '" + f + "' (expected table, markdown, csv or json)");
}

benchstore::CompareMode parse_mode(const std::string& m)
{
    if (m == "auto") return benchstore::CompareMode::automatic;
    if (m == "two-sample") return benchstore::CompareMode::two_sample;
    if (m == "history") return benchstore::CompareMode::history;
    throw UsageError("unknown --mode '" + m + "' (expected auto, two-sample or history)");
}

benchstore::Colour pick_colour(const std::string& c)
{
    if (c == "always") return benchstore::Colour::always;
    if (c == "never") return benchstore::Colour::never;
    if (c != "auto") throw UsageError("unknown --color '" + c + "' (expected auto, always or never)");
    const char* no_color = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(no_color && *no_color) ? benchstore::Colour::always : benchstore::Colour::never;
}

int run(int argc, char** argv)
{
    cxxopts::Options cli(program.name, "Compare the benchmarks of BASE and HEAD in a benchstore store: medians, change, "
                                       "Mann-Whitney U p-values and a verdict per metric. Sides: commit:SHA (a unique "
                                       "prefix, or commit:HEAD for the newest), run:ID, branch:NAME (its last N runs). "
                                       "When the benchmarks come from several hosts, each host's base is compared with "
                                       "the same host's head (--host NAME narrows to one).\n"
                                       "Exit status: 0 no regression, 4 at least one regression, 1 error, 2 bad usage, "
                                       "3 server unreachable (try later).");
    cli.positional_help("BASE HEAD");
    cli.add_options()
        ("db", "store file to read", cxxopts::value<std::string>()->default_value("benchmarks.db"), "FILE");
    benchstore::cli::add_central_options(cli);
    cli.add_options()
        ("last", "runs a branch: side takes, newest first", cxxopts::value<std::string>()->default_value("10"), "N")
        ("alpha", "significance level", cxxopts::value<std::string>()->default_value("0.05"), "A")
        ("threshold", "minimum change in percent for a verdict (default 5), or REGEX=PCT for metrics matching "
                      "REGEX (repeatable, first match wins)", cxxopts::value<std::vector<std::string>>(), "PCT")
        ("higher-is-better", "metrics matching REGEX are better when higher (besides the default pattern)",
         cxxopts::value<std::string>(), "REGEX")
        ("no-fdr", "gate verdicts on raw p-values instead of Benjamini-Hochberg adjusted ones")
        ("mode", "auto, two-sample or history", cxxopts::value<std::string>()->default_value("auto"), "MODE")
        ("allow-host-mismatch", "compare even when the sides ran on different hosts (with a warning)")
        ("format", "table, markdown, csv or json", cxxopts::value<std::string>()->default_value("table"), "F")
        ("color", "auto (when stdout is a terminal), always or never",
         cxxopts::value<std::string>()->default_value("auto"), "WHEN");
    benchstore::cli::add_selection_options(cli, filter_options);
    cli.add_options()
        ("sides", "BASE HEAD", cxxopts::value<std::vector<std::string>>());
    cli.parse_positional({"sides"});

    const auto parsed = benchstore::cli::parse(program, cli, argc, argv);
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;
    const auto sides = args.count("sides") ? args["sides"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (sides.size() != 2)
        throw UsageError("expected 2 arguments BASE HEAD, got " + std::to_string(sides.size()));
    benchstore::cli::require_side("side", sides[0]);
    benchstore::cli::require_side("side", sides[1]);

    benchstore::CompareOptions o;
    o.db_path = args["db"].as<std::string>();
    const auto central = benchstore::cli::read_central_options(args);
    if (central.central) o.conninfo = central.conninfo;
    o.statement_timeout = central.statement_timeout;
    o.base = sides[0];
    o.head = sides[1];
    o.last = benchstore::cli::whole_number_option("--last", args["last"].as<std::string>(), 1);
    const auto alpha = args["alpha"].as<std::string>();
    o.alpha = benchstore::cli::number_option("--alpha", alpha);
    if (!(o.alpha > 0 && o.alpha < 1)) throw UsageError("--alpha must be between 0 and 1, got '" + alpha + "'");
    if (args.count("threshold"))
        for (const auto& t : args["threshold"].as<std::vector<std::string>>()) add_threshold(o, t);
    if (args.count("higher-is-better")) o.higher_is_better = args["higher-is-better"].as<std::string>();
    if (args.count("no-fdr")) o.fdr = benchstore::FdrControl::none;
    o.mode = parse_mode(args["mode"].as<std::string>());
    if (args.count("allow-host-mismatch")) o.hosts = benchstore::HostPolicy::warn;
    o.filter = benchstore::cli::read_selection(args);
    const auto format = parse_format(args["format"].as<std::string>());
    const auto colour = pick_colour(args["color"].as<std::string>());

    const auto result = benchstore::compare(o);
    std::cout << benchstore::format_comparison(result, format, colour) << std::flush;
    return result.regressions > 0 ? benchstore::cli::exit_regression : benchstore::cli::exit_success;
}

} // namespace

int main(int argc, char** argv)
{
    // run's own return is the exit status: exit_regression (4) for a regression.
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
