// benchstore-speed-sync: speed of benchstore-sync against a raw binary COPY of the same rows into
// the same table shape, on loopback, in one run, in benchstore's schema and in Hugging Face's
// (adopted by the first sync). Prints figures; it is a benchmark, not a test.
//
// It starts a throwaway PostgreSQL (tools/pg-test-server.sh, fsync on), builds a store of
// --benchmarks benchmarks through the recorder API and --rows device rows by a raw SQLite bulk
// insert (the sqlite3 CLI). Then per schema, --repeat times, in a fresh database each time and
// rotating which goes first:
//   benchstore-sync --db STORE --dsn ...          (all rows into the schema's empty tables)
//   benchstore-sync again                        (nothing new: the re-sync time)
//   psql "\copy device_measurements_copy (...) FROM file (FORMAT binary)": the limit. The table
//        is LIKE device_measurements INCLUDING ALL (same columns, defaults, keys and indexes; in
//        Hugging Face's schema also its foreign key), the file the rows sync wrote, dumped once
//        with COPY ... TO (FORMAT binary) in the order sync sent them
//   in benchstore's schema also the same COPY into device_measurements itself (partitioned by week;
//        its rollup trigger dropped): routing rows to partitions is part of that table's shape, so
//        this is the COPY into the very table sync loads; the ratios are against the plain table's
//   benchstore-sync into a database whose time (BRIN) indexes were dropped: what keeping the
//        indexes summarised as rows arrive costs sync, at most (it includes their upkeep per row)
//   benchstore-sync into a database whose per-minute rollup trigger (benchstore_device_minutes) was
//        dropped: what the trigger costs sync's rows, which it skips by their local_id (sync adds
//        them to their minutes itself, in both runs: schema/postgres/007_device_minutes_by_sync.sql,
//        008_device_minutes_by_store_id.sql)
// each as a child process (wall time, peak RSS by wait4) while the server's CPU time is read from
// /proc (the postmaster's own and its reaped children's, plus its live children's: every server
// process, background writers included). Medians are printed with the ratios.
// Finally one sync of a --big-rows store (default 10,000,000) for peak RSS at a large backlog.
// --schema picks one schema instead of both. Everything is deleted at the end.
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/metrics_recorder.hpp"
#include "speed_process.hpp"
#include "speed_support.hpp"

namespace {

using benchstore::speed::capture;
using benchstore::speed::median;
using benchstore::speed::Run;
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

// The server's CPU time so far, in seconds: the postmaster's own and that of its children it has
// reaped (backends that ended), plus its live children's (backends, checkpointer, WAL writer,
// autovacuum). The server runs on this machine, so /proc has it all.
class ServerCpu {
public:
    explicit ServerCpu(const std::string& conninfo)
    {
        // The checkpointer lives as long as the server: its parent is the postmaster.
        const auto pid = capture("psql -X -At '" + conninfo + " dbname=postgres' -c \"SELECT pid FROM "
                                 "pg_stat_activity WHERE backend_type = 'checkpointer'\"");
        m_postmaster = fields(std::stol(pid)).at(1);
    }
    // Call once the client has ended: its backend may still be exiting, and its time reaches the
    // postmaster's reaped children's only once the postmaster has waited for it, so this waits
    // (up to 10 s) until no client backend (a child connected over TCP) or exiting child is left.
    double seconds() const
    {
        const auto until = Clock::now() + std::chrono::seconds(10);
        while (client_backend_left() && Clock::now() < until) usleep(5000);
        const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
        const auto own = fields(m_postmaster);
        long long ticks = own.at(11) + own.at(12) + own.at(13) + own.at(14);
        for (const auto& entry : fs::directory_iterator("/proc")) {
            const auto name = entry.path().filename().string();
            if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
            try {
                const auto f = fields(std::stol(name));
                if (f.at(1) == m_postmaster) ticks += f.at(11) + f.at(12);
            } catch (const std::exception&) {
                // ended while we looked: its time is in the postmaster's reaped children's now
            }
        }
        return static_cast<double>(ticks) / tick;
    }

private:
    bool client_backend_left() const
    {
        for (const auto& entry : fs::directory_iterator("/proc")) {
            const auto name = entry.path().filename().string();
            if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
            try {
                if (fields(std::stol(name)).at(1) != m_postmaster) continue;
            } catch (const std::exception&) {
                continue;
            }
            std::ifstream in(entry.path() / "cmdline");
            const std::string command((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            // An exiting process has an empty command line: not reaped yet.
            if (command.empty() || command.find("127.0.0.1(") != std::string::npos) return true;
        }
        return false;
    }
    // /proc/PID/stat's numeric fields after the command name: [0] state (as 0), [1] ppid, ...,
    // [11] utime, [12] stime, [13] cutime, [14] cstime (proc(5), counted from field 3).
    static std::vector<long long> fields(long pid)
    {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        if (close == std::string::npos) throw std::runtime_error("no /proc/" + std::to_string(pid) + "/stat");
        std::istringstream rest(text.substr(close + 2));
        std::vector<long long> out;
        std::string word;
        while (rest >> word && out.size() < 15) out.push_back(out.empty() ? 0 : std::stoll(word));
        if (out.size() < 15) throw std::runtime_error("short /proc/" + std::to_string(pid) + "/stat");
        return out;
    }
    long m_postmaster = 0;
};

struct Timed {
    std::vector<double> seconds, server_cpu, peak_mib;
    void add(const Run& r, double cpu)
    {
        seconds.push_back(r.seconds);
        server_cpu.push_back(cpu);
        peak_mib.push_back(r.peak_mib);
    }
};

struct SchemaFigures {
    std::string schema;
    Timed sync, copy, copy_partitioned, sync_without_brin, sync_without_rollup;
    std::vector<double> resync_s;
};

} // namespace

int run(const cxxopts::ParseResult& a)
{
    const long long rows = a["rows"].as<long long>(), batch = a["batch-rows"].as<long long>(),
                    big = a["big-rows"].as<long long>();
    const int benchmarks = a["benchmarks"].as<int>(), repeat = a["repeat"].as<int>();
    const fs::path dir = a["dir"].as<std::string>();
    std::vector<std::string> schemas;
    const auto schema_option = a.count("hf-schema") ? std::string("hf") : a["schema"].as<std::string>();
    if (schema_option == "both") schemas = {"benchstore", "hf"};
    else if (schema_option == "benchstore" || schema_option == "hf") schemas = {schema_option};
    else throw std::invalid_argument("--schema must be benchstore, hf or both, not '" + schema_option + "'");
    if (rows < 1 || benchmarks < 1 || repeat < 1) throw std::invalid_argument("--rows, --benchmarks and --repeat must be positive");
    const fs::path sync_exe = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-sync";
    const benchstore::speed::ThrowawayServer throwaway(dir);
    const std::string& conninfo = throwaway.conninfo();
    const ServerCpu server(conninfo);
    auto psql = [&](const std::string& db, const std::string& command) {
        return run_child({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", conninfo + " dbname=" + db, "-c", command});
    };
    {

        const fs::path store = dir / "store.db";
        auto t0 = Clock::now();
        build_store(store, rows, benchmarks);
        std::printf("store: %lld device rows, %d benchmarks, built in %.1f s (%.0f MiB)\n", rows, benchmarks,
                    std::chrono::duration<double>(Clock::now() - t0).count(), fs::file_size(store) / 1048576.0);
        const std::string columns = "(benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time)";

        std::vector<SchemaFigures> figures;
        int database = 0;
        for (const auto& schema : schemas) {
            SchemaFigures f{schema, {}, {}, {}, {}, {}, {}};
            const bool hf = schema == "hf";
            const fs::path binary = dir / (schema + ".copy"), benchmarks_file = dir / (schema + "-benchmarks.copy");
            // A database with the schema sync creates or adopts (Hugging Face's: adopted by a sync of
            // an empty store), its measurement tables empty, as the raw COPY finds it too.
            auto new_database = [&] {
                const std::string db = "bench" + std::to_string(database++);
                psql("postgres", "CREATE DATABASE " + db);
                if (hf)
                    run_child({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", conninfo + " dbname=" + db, "-f",
                                    (fs::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql").string()});
                const fs::path empty = dir / "empty.db";
                if (!fs::exists(empty)) benchstore::create_global_metrics_recorder("r", "b", "c", "m", empty);
                run_child({sync_exe.string(), "--db", empty.string(), "--dsn", conninfo + " dbname=" + db});
                return db;
            };
            auto timed_sync = [&](const std::string& db, Timed& into) {
                psql(db, "CHECKPOINT");
                const double cpu = server.seconds();
                const auto r = run_child({sync_exe.string(), "--db", store.string(), "--dsn", conninfo + " dbname=" + db,
                                          "--batch-rows", std::to_string(batch)},
                                         dir / "sync.out");
                into.add(r, server.seconds() - cpu);
            };
            {
                // The file for the raw COPY: the rows as sync sent them, in the order it sent them.
                const auto db = new_database();
                timed_sync(db, f.sync);
                psql(db, "\\copy (SELECT benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, "
                              "gpu_mem_megabytes, time FROM device_measurements WHERE local_id IS NOT NULL ORDER BY "
                              "measurement_id) TO '" + binary.string() + "' (FORMAT binary)");
                psql(db, "\\copy benchmarks TO '" + benchmarks_file.string() + "' (FORMAT binary)");
                psql("postgres", "DROP DATABASE " + db);
                f.sync = {};  // a warm-up: the timed runs follow
            }
            for (int i = 0; i < repeat; ++i) {
                auto do_sync = [&] {
                    const auto db = new_database();
                    timed_sync(db, f.sync);
                    const auto again = run_child({sync_exe.string(), "--db", store.string(), "--dsn",
                                                  conninfo + " dbname=" + db},
                                                 dir / "resync.out");
                    f.resync_s.push_back(again.seconds);
                    psql("postgres", "DROP DATABASE " + db);
                };
                // The benchmarks the rows refer to (a foreign key checks them), as sync left them, then
                // the timed raw COPY of the rows into table; the database goes afterwards.
                auto timed_copy = [&](const std::string& db, const std::string& table, Timed& into) {
                    psql(db, "\\copy benchmarks FROM '" + benchmarks_file.string() + "' (FORMAT binary)");
                    psql(db, "CHECKPOINT");
                    const double cpu = server.seconds();
                    const auto r = psql(db, "\\copy " + table + " " + columns + " FROM '" + binary.string() +
                                                "' (FORMAT binary)");
                    into.add(r, server.seconds() - cpu);
                    psql("postgres", "DROP DATABASE " + db);
                };
                auto do_copy = [&] {
                    const auto db = new_database();
                    psql(db, "CREATE TABLE device_measurements_copy (LIKE device_measurements INCLUDING ALL)");
                    if (hf)
                        psql(db, "ALTER TABLE device_measurements_copy ADD FOREIGN KEY (benchmark_id) "
                                      "REFERENCES benchmarks (benchmark_id)");
                    timed_copy(db, "device_measurements_copy", f.copy);
                };
                // benchstore's schema partitions device_measurements by week: the same COPY into the
                // partitioned table itself (its rollup trigger dropped, as a raw load has none),
                // which adds routing each row to its partition. The ratios are against the plain
                // table's COPY above, the faster of the two.
                auto do_copy_partitioned = [&] {
                    const auto db = new_database();
                    psql(db, "DROP TRIGGER benchstore_device_minutes ON device_measurements");
                    timed_copy(db, "device_measurements", f.copy_partitioned);
                };
                auto do_sync_without_brin = [&] {
                    const auto db = new_database();
                    psql(db, "DROP INDEX device_measurements_time_brin, model_measurements_time_brin");
                    timed_sync(db, f.sync_without_brin);
                    psql("postgres", "DROP DATABASE " + db);
                };
                auto do_sync_without_rollup = [&] {
                    const auto db = new_database();
                    psql(db, "DROP TRIGGER benchstore_device_minutes ON device_measurements");
                    timed_sync(db, f.sync_without_rollup);
                    psql("postgres", "DROP DATABASE " + db);
                };
                std::vector<std::function<void()>> runs{do_sync, do_copy, do_sync_without_brin, do_sync_without_rollup};
                if (!hf) runs.push_back(do_copy_partitioned);
                for (std::size_t k = 0; k < runs.size(); ++k) runs[(k + static_cast<std::size_t>(i)) % runs.size()]();
                std::printf("  %s run %d: sync %.2f s (server CPU %.2f s), binary COPY %.2f s (server CPU %.2f s), "
                            "sync without time indexes %.2f s, sync without rollup trigger %.2f s (server CPU "
                            "%.2f s), re-sync %.3f s\n",
                            schema.c_str(), i + 1, f.sync.seconds.back(), f.sync.server_cpu.back(),
                            f.copy.seconds.back(), f.copy.server_cpu.back(), f.sync_without_brin.seconds.back(),
                            f.sync_without_rollup.seconds.back(), f.sync_without_rollup.server_cpu.back(),
                            f.resync_s.back());
                if (!hf) std::printf("    binary COPY into the partitioned table %.2f s\n", f.copy_partitioned.seconds.back());
                std::fflush(stdout);
            }
            fs::remove(binary);
            figures.push_back(f);
        }

        std::printf("\n%lld device rows, medians of %d (batch %lld rows, loopback, fsync on):\n", rows, repeat, batch);
        std::printf("  %-11s %-34s %8s %11s %8s %8s %16s\n", "schema", "load", "s", "rows/s", "ratio", "paired",
                    "server CPU s/1M");
        for (const auto& f : figures) {
            const double c = median(f.copy.seconds);
            auto line = [&](const char* what, const Timed& t) {
                const double s = median(t.seconds);
                // Each round's ratio against the COPY of the same round, then their median: a
                // shared machine's speed drifts between rounds more than within one.
                std::vector<double> paired;
                for (std::size_t i = 0; i < t.seconds.size() && i < f.copy.seconds.size(); ++i)
                    paired.push_back(f.copy.seconds[i] / t.seconds[i]);
                std::printf("  %-11s %-34s %8.2f %11.0f %8.2f %8.2f %16.2f\n", f.schema.c_str(), what, s, rows / s,
                            c / s, median(paired), median(t.server_cpu) / (rows / 1e6));
            };
            line("raw binary COPY (psql \\copy)", f.copy);
            if (!f.copy_partitioned.seconds.empty()) line("raw binary COPY, partitioned table", f.copy_partitioned);
            line("benchstore-sync", f.sync);
            line("benchstore-sync, no time indexes", f.sync_without_brin);
            line("benchstore-sync, no rollup trigger", f.sync_without_rollup);
            std::printf("  %-11s %-34s %8.3f\n", f.schema.c_str(), "re-sync with nothing new", median(f.resync_s));
            std::printf("  %-11s %-34s %8.1f MiB\n", f.schema.c_str(), "sync peak RSS", median(f.sync.peak_mib));
        }
        std::printf("  (ratio: rows/s against the raw binary COPY's, medians; paired: the median of each round's ratio; "
                    "server CPU: all server processes)\n");
        std::fflush(stdout);

        if (big > 0) {
            const fs::path big_store = dir / "big.db";
            t0 = Clock::now();
            build_store(big_store, big, benchmarks);
            std::printf("\nbig store: %lld device rows built in %.1f s\n", big,
                        std::chrono::duration<double>(Clock::now() - t0).count());
            psql("postgres", "CREATE DATABASE big");
            const auto r = run_child({sync_exe.string(), "--db", big_store.string(), "--dsn", conninfo + " dbname=big",
                                      "--batch-rows", std::to_string(batch)},
                                     dir / "big.out");
            std::printf("  benchstore-sync %lld rows: %.1f s, %.0f rows/s, peak RSS %.1f MiB\n", big, r.seconds,
                        big / r.seconds, r.peak_mib);
        }
    }
    return 0;
}

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-sync", "benchstore-sync against a raw binary COPY, on loopback");
    cli.add_options()
        ("rows", "device rows", cxxopts::value<long long>()->default_value("1000000"))
        ("benchmarks", "benchmarks", cxxopts::value<int>()->default_value("100"))
        ("repeat", "repetitions", cxxopts::value<int>()->default_value("3"))
        ("batch-rows", "benchstore-sync --batch-rows", cxxopts::value<long long>()->default_value("50000"))
        ("big-rows", "device rows of the large-backlog run (0: skip)", cxxopts::value<long long>()->default_value("10000000"))
        ("dir", "work folder (deleted at the end)", cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-sync"))
        ("schema", "benchstore, hf (Hugging Face's, adopted by the first sync) or both",
         cxxopts::value<std::string>()->default_value("both"))
        ("hf-schema", "the same as --schema hf");
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
