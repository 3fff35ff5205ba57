// benchstore-speed-sync: speed and memory of benchstore-sync against psql's \copy of the same rows,
// on loopback, in one run. Prints figures; it is a benchmark, not a test.
//
// It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on), builds a store of
// --benchmarks benchmarks through the recorder API and --rows device rows by a raw SQLite bulk
// insert (the sqlite3 CLI), and dumps the same rows to CSV. Then, --repeat times, in a fresh
// database each time and alternating which goes first:
//   benchstore-sync --db STORE --dsn ...          (empty database: schema + all rows)
//   benchstore-sync again                        (nothing new: the re-sync time)
//   psql -c "\copy device_measurements_copy FROM file CSV"   (an empty table LIKE
//        device_measurements INCLUDING ALL: same columns, same primary key)
// each as a child process (wall time, peak RSS by GNU time: speed_process.hpp). Medians are printed with the ratio.
// Finally one sync of a --big-rows store (default 10,000,000) for peak RSS at a large backlog.
// With --hf-schema every database starts as Hugging Face's init_db.sql (tests/data/hf_init_db.sql:
// VARCHAR(36) ids, foreign keys), which the first sync adopts: the cost of their shape.
// Everything is deleted at the end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/metrics_recorder.hpp"
#include "speed_process.hpp"

namespace {

using benchstore::speed::capture;
using benchstore::speed::median;
using benchstore::speed::run_child;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The store: benchmarks through the recorder (schema, source id, UUID v7s), then device rows in
// one raw INSERT ... SELECT, rows/benchmarks consecutive rows per benchmark, 10 samples a second.
void build_store(const fs::path& db, long long rows, int benchmarks)
{
    {
        auto rec = benchstore::create_global_metrics_recorder("acme/widgets", "main", "c0ffee1", "bench", db);
        for (int i = 0; i < benchmarks; ++i) rec.initialise_benchmark({{"gpu_name", "NVIDIA A100"}, {"model", "gpt2"}});
    }
    const long long per = std::max(1LL, rows / benchmarks);
    const std::string sql =
        "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x + 1 < " + std::to_string(rows) +
        ") INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time) "
        "SELECT min(x / " + std::to_string(per) + ", " + std::to_string(benchmarks - 1) + ") + 1, (x * 7 % 1000) / 10.0, "
        "1000 + (x % 500) * 0.5, CASE WHEN x % 3 = 0 THEN NULL ELSE (x % 100) * 1.0 END, "
        "CASE WHEN x % 3 = 0 THEN NULL ELSE 2000 + (x % 1000) * 0.25 END, "
        "strftime('%Y-%m-%dT%H:%M:%S', 1764000000 + x / 10, 'unixepoch') || printf('.%06d', (x % 10) * 100000 + x % 997) "
        "FROM c;";
    run_child({"sqlite3", db.string(), sql});
}

} // namespace

int main(int argc, char** argv)
{
    const char* program = "benchstore-speed-sync";
    cxxopts::Options cli(program, "benchstore-sync against psql \\copy, on loopback");
    cli.add_options()
        ("rows", "device rows", cxxopts::value<long long>()->default_value("1000000"))
        ("benchmarks", "benchmarks", cxxopts::value<int>()->default_value("100"))
        ("repeat", "repetitions", cxxopts::value<int>()->default_value("3"))
        ("batch-rows", "benchstore-sync --batch-rows", cxxopts::value<long long>()->default_value("50000"))
        ("big-rows", "device rows of the large-backlog run (0: skip)", cxxopts::value<long long>()->default_value("10000000"))
        ("dir", "work folder (deleted at the end)", cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-sync"))
        ("hf-schema", "sync into Hugging Face's schema (adopted by the first sync)")
        ("h,help", "help");
    long long rows, batch, big;
    int benchmarks, repeat;
    bool hf_schema;
    fs::path dir;
    bool help = false;
    if (const int rc = benchstore::speed::report_errors(program, 2, [&] {
            auto a = cli.parse(argc, argv);
            help = a.count("help") > 0;
            rows = a["rows"].as<long long>();
            benchmarks = a["benchmarks"].as<int>();
            repeat = a["repeat"].as<int>();
            batch = a["batch-rows"].as<long long>();
            big = a["big-rows"].as<long long>();
            dir = a["dir"].as<std::string>();
            hf_schema = a.count("hf-schema") > 0;
            return 0;
        }))
        return rc;
    if (help) {
        std::cout << cli.help();
        return 0;
    }
    const fs::path sync_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-sync";
    const fs::path server_script = fs::path(BENCHSTORE_SOURCE_DIR) / "tools" / "pg-test-server.sh";
    const fs::path pg = dir / "pg";
    const int rc = benchstore::speed::report_errors(program, 1, [&] {
        fs::remove_all(dir);
        fs::create_directories(dir);
        fs::permissions(dir, fs::perms::all);  // the server runs as postgres and reads the CSV via psql (client side)
        const std::string conninfo = capture("'" + server_script.string() + "' start '" + pg.string() + "'");
        auto psql = [&](const std::string& db, const std::string& command) {
            run_child({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", conninfo + " dbname=" + db, "-c", command});
        };
        auto create_database = [&](const std::string& db) {
            psql("postgres", "CREATE DATABASE " + db);
            if (hf_schema)
                run_child({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", conninfo + " dbname=" + db, "-f",
                           (fs::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql").string()});
        };
        const fs::path store = dir / "store.db";
        auto t0 = Clock::now();
        build_store(store, rows, benchmarks);
        const double build_s = std::chrono::duration<double>(Clock::now() - t0).count();
        const fs::path csv = dir / "device.csv";
        run_child({"sqlite3", "-csv", store.string(),
                   "SELECT b.benchmark_id, d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, "
                   "d.time, d.id FROM device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref"},
                  csv);
        std::printf("store: %lld device rows, %d benchmarks, built in %.1f s (%.0f MiB)\n", rows, benchmarks, build_s,
                    fs::file_size(store) / 1048576.0);

        std::vector<double> sync_s, resync_s, copy_s, sync_rss;
        for (int i = 0; i < repeat; ++i) {
            const std::string db = "bench" + std::to_string(i);
            create_database(db);
            auto do_sync = [&] {
                const auto r = run_child({sync_exe.string(), "--db", store.string(), "--dsn", conninfo + " dbname=" + db,
                                          "--batch-rows", std::to_string(batch)},
                                         dir / "sync.out");
                sync_s.push_back(r.seconds);
                sync_rss.push_back(r.peak_mib);
                const auto again = run_child({sync_exe.string(), "--db", store.string(), "--dsn",
                                              conninfo + " dbname=" + db},
                                             dir / "resync.out");
                resync_s.push_back(again.seconds);
            };
            auto do_copy = [&] {
                const auto r = run_child({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", conninfo + " dbname=" + db, "-c",
                                          "\\copy device_measurements_copy (benchmark_id, cpu_util, mem_megabytes, "
                                          "gpu_util, gpu_mem_megabytes, time, local_id) FROM '" + csv.string() + "' CSV"});
                copy_s.push_back(r.seconds);
            };
            if (i % 2 == 0) {
                do_sync();
                psql(db, "CREATE TABLE device_measurements_copy (LIKE device_measurements INCLUDING ALL)");
                psql(db, "CHECKPOINT");
                do_copy();
            } else {
                // The copy table needs the schema: let a dry-run-free empty sync create it first.
                const fs::path empty = dir / ("empty" + std::to_string(i) + ".db");
                { benchstore::create_global_metrics_recorder("r", "b", "c", "m", empty); }
                run_child({sync_exe.string(), "--db", empty.string(), "--dsn", conninfo + " dbname=" + db});
                psql(db, "CREATE TABLE device_measurements_copy (LIKE device_measurements INCLUDING ALL)");
                do_copy();
                psql(db, "CHECKPOINT");
                do_sync();
            }
            std::printf("  run %d: sync %.2f s, re-sync %.3f s, \\copy %.2f s, sync peak RSS %.1f MiB\n", i + 1,
                        sync_s.back(), resync_s.back(), copy_s.back(), sync_rss.back());
            psql("postgres", "DROP DATABASE " + db);
            std::fflush(stdout);
        }
        const double s = median(sync_s), c = median(copy_s);
        std::printf("\n%lld device rows, medians of %d (batch %lld rows, loopback, fsync on%s):\n", rows, repeat, batch,
                    hf_schema ? ", Hugging Face's schema adopted" : "");
        std::printf("  benchstore-sync into an empty database   %8.2f s  %10.0f rows/s\n", s, rows / s);
        std::printf("  psql \\copy CSV into an empty table       %8.2f s  %10.0f rows/s\n", c, rows / c);
        std::printf("  sync / \\copy rows per second             %8.2f\n", c / s);
        std::printf("  re-sync with nothing new                 %8.3f s\n", median(resync_s));
        std::printf("  sync peak RSS                            %8.1f MiB\n", median(sync_rss));
        std::fflush(stdout);

        if (big > 0) {
            fs::remove(csv);
            const fs::path big_store = dir / "big.db";
            t0 = Clock::now();
            build_store(big_store, big, benchmarks);
            std::printf("\nbig store: %lld device rows built in %.1f s\n", big,
                        std::chrono::duration<double>(Clock::now() - t0).count());
            create_database("big");
            const auto r = run_child({sync_exe.string(), "--db", big_store.string(), "--dsn", conninfo + " dbname=big",
                                      "--batch-rows", std::to_string(batch)},
                                     dir / "big.out");
            std::printf("  benchstore-sync %lld rows: %.1f s, %.0f rows/s, peak RSS %.1f MiB\n", big, r.seconds,
                        big / r.seconds, r.peak_mib);
        }
        return 0;
    });
    benchstore::speed::report_errors(program, 1, [&] {
        run_child({server_script.string(), "stop", pg.string()});
        return 0;
    });
    std::error_code ec;
    fs::remove_all(dir, ec);
    return rc;
}
