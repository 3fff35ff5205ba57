// benchstore-speed-central_read: compare and report over the central PostgreSQL (--dsn) against the
// same work over a SQLite store of the same rows. Prints figures; it is a benchmark, not a test.
//
// It builds a store of two commits (--benchmarks identities each, 10 model rows a benchmark) and
// --rows device rows in all through the recorder's batch API, starts a throwaway PostgreSQL
// (tools/pg-test-server.sh, fsync on), syncs the store into it with benchstore-sync's library call
// (then VACUUM (ANALYZE), as autovacuum does soon after a large insert since PostgreSQL 13), and alternates --repeat runs of each pair:
//   benchstore-compare --db STORE  commit:BASE commit:HEAD --format csv
//   benchstore-compare --dsn SERVER commit:BASE commit:HEAD --format csv
//   benchstore-report  --db STORE  --branch main --out PAGE
//   benchstore-report  --dsn SERVER --branch main --out PAGE
// each as a child (wall time here, peak RSS from GNU time's %M; speed_process.hpp). The issue's
// target: the server's median within 2x of the store's, with client memory flat (the same figures
// at --small-rows show it). Everything is deleted at the end.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/sync.hpp"
#include "speed_process.hpp"

namespace {

using namespace benchstore::speed;

const fs::path tools = fs::path(BENCHSTORE_BINARY_DIR) / "tools";

struct Pair {
    const char* what;
    std::vector<std::string> store_args;
    std::vector<std::string> server_args;
    std::vector<double> store_s, server_s;
    double store_peak = 0, server_peak = 0;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void measure(const fs::path& work, const std::string& server, long rows, int benchmarks, int repeat, int inspect)
{
    const fs::path db = work / ("store-" + std::to_string(rows) + ".db");
    const std::string database = "rows" + std::to_string(rows);
    capture("psql '" + server + " dbname=postgres' -qAtc 'CREATE DATABASE " + database + "'");
    const std::string dsn = server + " dbname=" + database;

    auto start = Clock::now();
    build_store(db, benchmarks, rows, "central read", {"base0000", "head1111"}, 10);
    const double build_s = seconds_since(start);
    start = Clock::now();
    benchstore::SyncOptions sync;
    sync.db_path = db;
    sync.conninfo = dsn;
    benchstore::sync(sync);
    capture("psql '" + dsn + "' -qAtc 'VACUUM (ANALYZE)'");
    const double sync_s = seconds_since(start);

    const fs::path page = work / "page.html";
    const auto compare = [&](const std::vector<std::string>& source) {
        std::vector<std::string> a{(tools / "benchstore-compare").string()};
        a.insert(a.end(), source.begin(), source.end());
        a.insert(a.end(), {"commit:base0000", "commit:head1111", "--format", "csv"});
        return a;
    };
    const auto report = [&](const std::vector<std::string>& source) {
        std::vector<std::string> a{(tools / "benchstore-report").string()};
        a.insert(a.end(), source.begin(), source.end());
        a.insert(a.end(), {"--branch", "main", "--out", page.string()});
        return a;
    };
    std::vector<Pair> pairs{{"compare of two commits", compare({"--db", db.string()}), compare({"--dsn", dsn}), {}, {}},
                            {"report of one branch", report({"--db", db.string()}), report({"--dsn", dsn}), {}, {}}};
    for (int r = 0; r < repeat; ++r)
        for (auto& p : pairs)
            for (const bool on_server : {false, true}) {
                // benchstore-compare exits 4 when it finds a regression; that is not a failure here.
                const Run run = run_child(on_server ? p.server_args : p.store_args, work / "out.txt", {0, 4});
                fs::remove(page);
                (on_server ? p.server_s : p.store_s).push_back(run.seconds);
                double& peak = on_server ? p.server_peak : p.store_peak;
                peak = std::max(peak, run.peak_mib);
            }
    std::printf("%ld device rows, %d benchmarks a commit, two commits; store %.1f MiB built in %.1f s, synced in "
                "%.1f s\n",
                rows, benchmarks, static_cast<double>(fs::file_size(db)) / 1048576.0, build_s, sync_s);
    for (const auto& p : pairs) {
        std::printf("  %-24s SQLite median %7.3f s  peak RSS %6.1f MiB | PostgreSQL median %7.3f s  peak RSS "
                    "%6.1f MiB | ratio %.2f (target <= 2)\n",
                    p.what, median(p.store_s), p.store_peak, median(p.server_s), p.server_peak,
                    median(p.server_s) / median(p.store_s));
        std::printf("    runs SQLite:");
        for (double s : p.store_s) std::printf(" %.3f", s);
        std::printf("  PostgreSQL:");
        for (double s : p.server_s) std::printf(" %.3f", s);
        std::printf("\n");
    }
    std::fflush(stdout);
    if (inspect > 0) {
        std::printf("  the database stays for %d s: psql '%s'\n", inspect, dsn.c_str());
        std::fflush(stdout);
        std::this_thread::sleep_for(std::chrono::seconds(inspect));
    }
    remove_store(db);
    capture("psql '" + server + " dbname=postgres' -qAtc 'DROP DATABASE " + database + "'");
}

int run(const cxxopts::ParseResult& args)
{
    const int benchmarks = args["benchmarks"].as<int>(), repeat = args["repeat"].as<int>();
    if (benchmarks < 1 || repeat < 1) throw std::invalid_argument("--benchmarks and --repeat must be at least 1");
    const WorkFolder folder(args["dir"].as<std::string>());
    const ThrowawayServer server(folder.path() / "server");
    if (args["small-rows"].as<long>() > 0)
        measure(folder.path(), server.conninfo(), args["small-rows"].as<long>(), benchmarks, repeat, 0);
    measure(folder.path(), server.conninfo(), args["rows"].as<long>(), benchmarks, repeat, args["inspect"].as<int>());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-central_read",
                         "Time benchstore-compare and benchstore-report on PostgreSQL (--dsn) against SQLite (--db).");
    cli.add_options()
        ("dir", "work folder (created; files deleted after)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-central-read"))
        ("benchmarks", "benchmarks on each commit", cxxopts::value<int>()->default_value("100"))
        ("rows", "device rows in the store and on the server", cxxopts::value<long>()->default_value("10000000"))
        ("small-rows", "device rows of a first, smaller size (client memory must not grow); 0 = skip",
         cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions", cxxopts::value<int>()->default_value("3"))
        ("inspect", "keep the --rows database this many seconds after measuring, to look at plans",
         cxxopts::value<int>()->default_value("0"));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
