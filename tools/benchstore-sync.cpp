// benchstore-sync: replays what is new in a local store into the central PostgreSQL.
// Thin: options -> SyncOptions -> benchstore::sync / sync_watch -> exit status (cli/cli.hpp prints errors).
// Exit status: 0 success, 1 error, 2 usage, 3 try again later (server unreachable, connection lost,
// or a one-shot sync stopped by SIGINT/SIGTERM before it finished).
#include <atomic>
#include <csignal>
#include <iostream>

#include <cxxopts.hpp>

#include "benchstore/logger.hpp"
#include "benchstore/sync.hpp"
#include "cli/cli.hpp"
#include "cli/number_options.hpp"

namespace {

using benchstore::cli::UsageError;

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

void install_signal_handlers()
{
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

const benchstore::cli::Program program{
    "benchstore-sync",
    "benchstore-sync --db FILE [--dsn CONNINFO] [--batch-rows N] [--dry-run] [--watch SECONDS] [--new-source-id] "
    "[--statement-timeout SECONDS] (see --help)",
    benchstore::mask_conninfo,  // no message, usage errors included, ever shows a password
    {},
    "Exit status: 0 success, 1 error, 2 usage, 3 try again later (server unreachable or timed out, or stopped by a "
    "signal before the end)\n"};

// With --watch the lines go on for days into a log: each carries its time, as the runner's log lines do.
enum class Stamp { no, yes };

void print(const benchstore::SyncResult& result, benchstore::DryRun dry, Stamp stamp = Stamp::no)
{
    for (const auto& line : benchstore::format_sync_report(result, dry))
        std::cout << (stamp == Stamp::yes ? benchstore::format_log_line(benchstore::LogLevel::info, line) : line) << '\n';
    std::cout.flush();
}

int run(int argc, char** argv)
{
    cxxopts::Options cli(program.name, "Send what is new in a benchstore file to the central PostgreSQL.");
    cli.add_options()
        ("db", "store file to read", cxxopts::value<std::string>(), "FILE")
        ("dsn", "libpq connection string or URI (default: libpq environment, dbname=metrics)",
         cxxopts::value<std::string>()->default_value(""), "CONNINFO")
        ("batch-rows", "rows per batch (one transaction each)", cxxopts::value<std::string>()->default_value("50000"), "N")
        ("dry-run", "print what would be sent; change nothing")
        ("watch", "sync again every SECONDS until SIGINT/SIGTERM; each line starts with its time", cxxopts::value<std::string>(), "SECONDS")
        ("new-source-id", "give this (copied) file a new source id, then send everything it holds")
        ("statement-timeout", "seconds any one server statement may take; sync waits 5 s more for a reply, then "
                              "drops the connection (exit 3)", cxxopts::value<std::string>()->default_value("300"), "SECONDS");
    const auto parsed = benchstore::cli::parse(program, cli, argc, argv);
    if (!parsed) return benchstore::cli::exit_success;
    const auto& args = *parsed;
    benchstore::SyncOptions options;
    double watch = 0;
    if (!args.count("db")) throw UsageError("--db FILE is required");
    options.db_path = args["db"].as<std::string>();
    options.conninfo = args["dsn"].as<std::string>();
    options.batch_rows = static_cast<long long>(
        benchstore::cli::whole_number_option("--batch-rows", args["batch-rows"].as<std::string>(), 1));
    options.dry_run = args.count("dry-run") ? benchstore::DryRun::yes : benchstore::DryRun::no;
    options.new_source_id = args.count("new-source-id") > 0;
    options.show_progress = benchstore::ShowProgress::on_terminal;
    options.statement_timeout = std::chrono::seconds(benchstore::cli::whole_number_option(
        "--statement-timeout", args["statement-timeout"].as<std::string>(), 1,
        static_cast<std::uint64_t>(benchstore::max_statement_timeout.count())));
    if (args.count("watch")) {
        watch = benchstore::cli::number_option("--watch", args["watch"].as<std::string>());
        // !(a <= b) also refuses NaN; the upper bound keeps the interval's arithmetic in range.
        if (!(watch > 0) || !(watch <= static_cast<double>(benchstore::max_watch_interval.count())))
            throw UsageError("--watch SECONDS must be more than 0 and at most " +
                             std::to_string(benchstore::max_watch_interval.count()));
        if (std::chrono::milliseconds(static_cast<long long>(watch * 1000)).count() < 1)
            throw UsageError("--watch SECONDS must be at least 0.001");
        if (options.dry_run == benchstore::DryRun::yes)
            throw UsageError("--watch and --dry-run do not go together");
    }

    install_signal_handlers();
    options.stop = &g_stop;
    if (watch > 0) {
        benchstore::sync_watch(
            options, std::chrono::milliseconds(static_cast<long long>(watch * 1000)),
            [&](const benchstore::SyncResult& r) {
                // Quiet while there is nothing new: a line per interval would drown the log.
                // Moved: rows this run took past the server's mark, whatever became of them.
                long long moved = 0;
                for (const auto& t : r.tables) moved += t.sent + t.skipped + t.rejected + t.held;
                if (moved > 0 || r.schema_created) print(r, options.dry_run, Stamp::yes);
            },
            [](const std::exception& e) {
                std::cerr << benchstore::format_log_line(benchstore::LogLevel::error,
                                                         "benchstore-sync: " + benchstore::mask_conninfo(e.what()))
                          << std::endl;
            });
        return benchstore::cli::exit_success;
    }
    // A ConnectionError escaping here is exit 3, try again later (cli::run_main).
    const auto result = benchstore::sync(options);
    print(result, options.dry_run);
    long long left = 0;
    for (const auto& t : result.tables) left += t.left;
    const std::string unsent = "stopped by a signal before the end, " + std::to_string(left) +
                               " rows not sent yet; nothing is lost, the next sync sends them";
    long long held = 0;
    for (const auto& h : result.held) held += h.rows;
    if (!result.rejects.empty() || held > 0) {
        std::string what;
        if (!result.rejects.empty()) what = std::to_string(result.rejects.size()) + " rows rejected by the server";
        if (held > 0)
            what += (what.empty() ? "" : " and ") + std::to_string(held) + " rows of rejected benchmarks held back";
        benchstore::cli::print_error(program, what + " (listed above, kept in its sync_rejects table and offered again "
                                              "by every sync); " +
                                              (result.stopped ? unsent : std::string("everything else was sent")));
        return benchstore::cli::exit_error;
    }
    if (result.stopped) {
        benchstore::cli::print_error(program, options.db_path.string() + ": " + unsent + " (try again later)");
        return benchstore::cli::exit_try_later;
    }
    return benchstore::cli::exit_success;
}

} // namespace

int main(int argc, char** argv)
{
    return benchstore::cli::run_main(program, [&] { return run(argc, argv); });
}
