// benchstore-sync: replays what is new in a local store into the central PostgreSQL.
// Thin: options -> SyncOptions -> benchstore::sync / sync_watch -> exit status.
// Exit status: 0 success, 1 error, 2 usage, 3 try again later (server unreachable, connection lost,
// or a one-shot sync stopped by SIGINT/SIGTERM before it finished).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <cxxopts.hpp>

#include "benchstore/error.hpp"
#include "benchstore/logger.hpp"
#include "benchstore/sync.hpp"

namespace {

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

int error(const std::string& message)
{
    std::cerr << "benchstore-sync: error: " << benchstore::mask_conninfo(message) << std::endl;
    return benchstore::sync_exit_error;
}

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
    cxxopts::Options cli("benchstore-sync", "Send what is new in a benchstore file to the central PostgreSQL.");
    cli.add_options()
        ("db", "store file to read", cxxopts::value<std::string>(), "FILE")
        ("dsn", "libpq connection string or URI (default: libpq environment, dbname=metrics)",
         cxxopts::value<std::string>()->default_value(""), "CONNINFO")
        ("batch-rows", "rows per batch (one transaction each)", cxxopts::value<long long>()->default_value("50000"), "N")
        ("dry-run", "print what would be sent; change nothing")
        ("watch", "sync again every SECONDS until SIGINT/SIGTERM; each line starts with its time", cxxopts::value<double>(), "SECONDS")
        ("new-source-id", "give this (copied) file a new source id, then send everything it holds")
        ("statement-timeout", "seconds any one server statement may take", cxxopts::value<long long>()->default_value("300"), "SECONDS")
        ("h,help", "print this help");
    benchstore::SyncOptions options;
    double watch = 0;
    try {
        const auto args = cli.parse(argc, argv);
        if (args.count("help")) {
            std::cout << cli.help()
                      << "Exit status: 0 success, 1 error, 2 usage, 3 try again later (server unreachable, or stopped "
                         "by a signal before the end)\n";
            return benchstore::sync_exit_success;
        }
        if (!args.unmatched().empty()) throw cxxopts::exceptions::exception("unexpected argument '" + args.unmatched().front() + "'");
        if (!args.count("db")) throw cxxopts::exceptions::exception("--db FILE is required");
        options.db_path = args["db"].as<std::string>();
        options.conninfo = args["dsn"].as<std::string>();
        options.batch_rows = args["batch-rows"].as<long long>();
        if (options.batch_rows < 1) throw cxxopts::exceptions::exception("--batch-rows must be at least 1");
        options.dry_run = args.count("dry-run") ? benchstore::DryRun::yes : benchstore::DryRun::no;
        options.new_source_id = args.count("new-source-id") > 0;
        const long long timeout = args["statement-timeout"].as<long long>();
        if (timeout < 1 || timeout > benchstore::max_statement_timeout.count())
            throw cxxopts::exceptions::exception("--statement-timeout SECONDS must be between 1 and " +
                                                 std::to_string(benchstore::max_statement_timeout.count()));
        options.statement_timeout = std::chrono::seconds(timeout);
        if (args.count("watch")) {
            watch = args["watch"].as<double>();
            // !(a <= b) also refuses NaN; the upper bound keeps the interval's arithmetic in range.
            if (!(watch > 0) || !(watch <= static_cast<double>(benchstore::max_watch_interval.count())))
                throw cxxopts::exceptions::exception("--watch SECONDS must be more than 0 and at most " +
                                                     std::to_string(benchstore::max_watch_interval.count()));
            if (std::chrono::milliseconds(static_cast<long long>(watch * 1000)).count() < 1)
                throw cxxopts::exceptions::exception("--watch SECONDS must be at least 0.001");
            if (options.dry_run == benchstore::DryRun::yes)
                throw cxxopts::exceptions::exception("--watch and --dry-run do not go together");
        }
    } catch (const cxxopts::exceptions::exception& e) {
        std::cerr << "benchstore-sync: error: " << benchstore::mask_conninfo(e.what())
                  << "\nusage: benchstore-sync --db FILE [--dsn CONNINFO] [--batch-rows N] [--dry-run] [--watch SECONDS]"
                     " [--new-source-id] [--statement-timeout SECONDS] (see --help)"
                  << std::endl;
        return benchstore::sync_exit_usage;
    }

    install_signal_handlers();
    options.stop = &g_stop;
    try {
        if (watch > 0) {
            benchstore::sync_watch(
                options, std::chrono::milliseconds(static_cast<long long>(watch * 1000)),
                [&](const benchstore::SyncResult& r) {
                    // Quiet while there is nothing new: a line per interval would drown the log.
                    // Moved: rows this run took past the server's mark, whatever became of them.
                    long long moved = 0;
                    for (const auto& t : r.tables) moved += t.sent + t.skipped + t.rejected;
                    if (moved > 0 || r.schema_created) print(r, options.dry_run, Stamp::yes);
                },
                [](const std::exception& e) {
                    std::cerr << benchstore::format_log_line(benchstore::LogLevel::error,
                                                             "benchstore-sync: " + benchstore::mask_conninfo(e.what()))
                              << std::endl;
                });
            return benchstore::sync_exit_success;
        }
        const auto result = benchstore::sync(options);
        print(result, options.dry_run);
        long long left = 0;
        for (const auto& t : result.tables) left += t.left;
        const std::string unsent = "stopped by a signal before the end, " + std::to_string(left) +
                                   " rows not sent yet; nothing is lost, the next sync sends them";
        if (!result.rejects.empty())
            return error(std::to_string(result.rejects.size()) +
                         " rows rejected by the server (listed above, kept in its sync_rejects table); " +
                         (result.stopped ? unsent : std::string("everything else was sent")));
        if (result.stopped) {
            std::cerr << "benchstore-sync: error: " << options.db_path.string() << ": " << unsent << " (try again later)"
                      << std::endl;
            return benchstore::sync_exit_try_later;
        }
        return benchstore::sync_exit_success;
    } catch (const benchstore::ConnectionError& e) {
        std::cerr << "benchstore-sync: error: " << benchstore::mask_conninfo(e.what()) << std::endl;
        return benchstore::sync_exit_try_later;
    } catch (const std::exception& e) {
        return error(e.what());
    }
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (...) {
        std::cerr << "benchstore-sync: error: unexpected failure" << std::endl;
        return benchstore::sync_exit_error;
    }
}
