// benchstore-central: upkeep of the central PostgreSQL database (docs/central-maintenance.md).
// Thin: a command and options -> CentralOptions -> benchstore/central.hpp -> report lines and an
// exit status (cli/cli.hpp prints errors). Exit status: 0 success, 1 error, 2 usage, 3 try again
// later (server unreachable or timed out, or a conversion stopped by SIGINT/SIGTERM).
//   benchstore-central partitions                     the measurement tables and their partitions
//   benchstore-central partition                      create upcoming partitions, settle the default one
//   benchstore-central partition --convert [--dry-run]  convert unpartitioned tables (resumable)
//   benchstore-central retention --older-than 90d [--rollups-older-than 730d] [--dry-run]
#include <atomic>
#include <csignal>
#include <iostream>
#include <optional>

#include <cxxopts.hpp>

#include "benchstore/central.hpp"
#include "benchstore/error.hpp"
#include "cli/cli.hpp"

namespace {

using benchstore::cli::UsageError;

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

const benchstore::cli::Program program{
    "benchstore-central",
    "benchstore-central [--dsn CONNINFO] partitions | partition [--convert [--dry-run] [--chunk-blocks N]] | "
    "retention --older-than AGE [--rollups-older-than AGE] [--dry-run]; [--lock-timeout SECONDS] [--statement-timeout SECONDS] (see --help)",
    benchstore::mask_conninfo,
    {""},
    "Commands:\n"
    "  partitions   list the measurement tables and their partitions\n"
    "  partition    create this and next week's partitions, move rows out of the default partition;\n"
    "               with --convert: convert unpartitioned tables (resumable; progress on a terminal)\n"
    "  retention    drop measurement rows older than --older-than, whole weekly partitions at a time; the\n"
    "               per-minute rollups of device rows are kept, or dropped after --rollups-older-than\n"
    "Exit status: 0 success, 1 error, 2 usage, 3 try again later (server unreachable or timed out, or a "
    "conversion stopped by a signal: run it again to carry on)\n"};

void print(const std::vector<std::string>& lines)
{
    for (const auto& line : lines) std::cout << line << '\n';
    std::cout.flush();
}

int run(int argc, char** argv)
{
    cxxopts::Options cli(program.name, "Keep the central PostgreSQL database's measurement tables in bounds.");
    cli.add_options()
        ("dsn", "libpq connection string or URI (default: libpq environment, dbname=metrics)",
         cxxopts::value<std::string>()->default_value(""), "CONNINFO")
        ("older-than", "retention: drop rows older than AGE (a whole number and s, m, h, d or w: 90d)",
         cxxopts::value<std::string>(), "AGE")
        ("rollups-older-than", "retention: also delete the per-minute rollups of device rows older than AGE "
         "(default: keep them)", cxxopts::value<std::string>(), "AGE")
        ("convert", "partition: convert unpartitioned measurement tables to partitioned ones")
        ("dry-run", "retention, partition --convert: print what would be done; change nothing")
        ("chunk-blocks", "partition --convert: 8 KiB blocks of the old table copied per transaction",
         cxxopts::value<long long>()->default_value("2048"), "N")
        ("lock-timeout", "seconds one partition change waits for its locks",
         cxxopts::value<double>()->default_value("10"), "SECONDS")
        ("statement-timeout", "seconds any one server statement may take",
         cxxopts::value<long long>()->default_value("300"), "SECONDS");
    cli.add_options("positional")("command", "", cxxopts::value<std::vector<std::string>>());
    cli.parse_positional({"command"});
    cli.positional_help("partitions|partition|retention");
    const auto parsed = benchstore::cli::parse(program, cli, argc, argv);
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;
    if (!args.count("command")) throw UsageError("a command is required: partitions, partition or retention");
    const auto commands = args["command"].as<std::vector<std::string>>();
    if (commands.size() != 1) throw UsageError("one command at a time: partitions, partition or retention");
    const std::string command = commands.front();

    benchstore::CentralOptions options;
    options.conninfo = args["dsn"].as<std::string>();
    options.dry_run = args.count("dry-run") ? benchstore::DryRun::yes : benchstore::DryRun::no;
    options.show_progress = benchstore::ShowProgress::on_terminal;
    options.chunk_blocks = args["chunk-blocks"].as<long long>();
    if (options.chunk_blocks < 1) throw UsageError("--chunk-blocks N must be at least 1");
    const double lock = args["lock-timeout"].as<double>();
    if (!(lock >= 0.001) || !(lock <= 86400)) throw UsageError("--lock-timeout SECONDS must be between 0.001 and 86400");
    options.lock_timeout = std::chrono::milliseconds(static_cast<long long>(lock * 1000));
    const long long timeout = args["statement-timeout"].as<long long>();
    if (timeout < 1 || timeout > benchstore::max_statement_timeout.count())
        throw UsageError("--statement-timeout SECONDS must be between 1 and " +
                         std::to_string(benchstore::max_statement_timeout.count()));
    options.statement_timeout = std::chrono::seconds(timeout);
    const bool convert = args.count("convert") > 0;
    const bool has_age = args.count("older-than") > 0;
    const bool has_rollup_age = args.count("rollups-older-than") > 0;
    if (command != "retention" && (has_age || has_rollup_age))
        throw UsageError(std::string(has_age ? "--older-than" : "--rollups-older-than") + " goes with retention");
    if (command != "partition" && convert) throw UsageError("--convert goes with partition");
    if (options.dry_run == benchstore::DryRun::yes && command != "retention" && !convert)
        throw UsageError("--dry-run goes with retention and partition --convert");

    if (command == "partitions") {
        print(benchstore::format_central_tables(benchstore::central_tables(options)));
        return benchstore::cli::exit_success;
    }
    if (command == "retention") {
        if (!has_age) throw UsageError("retention needs --older-than AGE (90d, 12w, ...)");
        const auto age_of = [&](const char* option) {
            try {
                return benchstore::parse_age(args[option].as<std::string>());
            } catch (const benchstore::InvalidArgument& e) {
                throw UsageError(std::string("--") + option + ": " + e.what());
            }
        };
        const auto age = age_of("older-than");
        std::optional<std::chrono::seconds> rollup_age;
        if (has_rollup_age) rollup_age = age_of("rollups-older-than");
        if (rollup_age && *rollup_age < age)
            throw UsageError("--rollups-older-than must be at least --older-than: the per-minute rollups are what is "
                             "kept of the rows retention drops");
        print(benchstore::format_retention(benchstore::apply_retention(options, age, rollup_age), options.dry_run));
        return benchstore::cli::exit_success;
    }
    if (command == "partition") {
        if (!convert) {
            print(benchstore::format_upkeep(benchstore::maintain_partitions(options)));
            return benchstore::cli::exit_success;
        }
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        options.stop = &g_stop;
        const auto steps = benchstore::convert_to_partitions(options);
        print(benchstore::format_conversion(steps));
        for (const auto& s : steps)
            if (s.state == benchstore::ConversionStep::State::stopped) return benchstore::cli::exit_try_later;
        return benchstore::cli::exit_success;
    }
    throw UsageError("unknown command '" + command + "': partitions, partition or retention");
}

} // namespace

int main(int argc, char** argv)
{
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
