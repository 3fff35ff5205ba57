// Recorder speed, measured against raw SQLite loops with the same settings in the same run:
//  (a) single-thread durable calls (one row per transaction) vs a raw one-row-per-transaction loop;
//  (b) the batch path (1,000 samples per call) vs a raw loop of 1,000-row transactions;
//  (c) two threads recording at once vs one;
//  (d) resident memory while 1,000,000 rows are recorded (flat means no growth with rows).
// Each figure is the median of --reps repetitions on fresh files in --dir (default: a folder in /tmp).
//
//   build/benches/speed/benchstore-speed-recorder [--reps 5] [--dir DIR]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/metrics_recorder.hpp"
#include "benchstore/timestamp.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace benchstore;

namespace {

constexpr int durable_rows = 3000;
constexpr int batch_rows = 200'000;
constexpr int batch_size = 1000;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double resident_mib()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

void remove_store(const fs::path& p)
{
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
}

void check(int rc, sqlite3* db, const char* what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "sqlite error in %s: %s\n", what, sqlite3_errmsg(db));
        std::exit(1);
    }
}

// The raw baseline: the same table shape, WAL, synchronous=FULL, BEGIN IMMEDIATE, a reused prepared
// statement, the same values — just no recorder around it.
double raw_loop(const fs::path& path, int rows, int rows_per_txn)
{
    remove_store(path);
    sqlite3* db = nullptr;
    check(sqlite3_open(path.c_str(), &db), db, "open");
    sqlite3_busy_timeout(db, 10000);
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                           "CREATE TABLE benchmarks (id INTEGER PRIMARY KEY AUTOINCREMENT, benchmark_id TEXT UNIQUE);"
                           "CREATE TABLE device_measurements (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " benchmark_ref INTEGER NOT NULL REFERENCES benchmarks (id), cpu_util REAL,"
                           " mem_megabytes REAL, gpu_util REAL, gpu_mem_megabytes REAL, time TEXT NOT NULL);"
                           "CREATE INDEX device_measurements_benchmark ON device_measurements (benchmark_ref, id);"
                           "INSERT INTO benchmarks (benchmark_id) VALUES ('x');",
                       nullptr, nullptr, nullptr), db, "schema");
    sqlite3_stmt *ins = nullptr, *begin = nullptr, *commit = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util,"
                                 " gpu_mem_megabytes, time) VALUES (?, ?, ?, ?, ?, ?)", -1, &ins, nullptr), db, "prepare");
    check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr), db, "prepare");
    check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr), db, "prepare");
    const auto start = Clock::now();
    for (int i = 0; i < rows;) {
        check(sqlite3_step(begin), db, "begin");
        sqlite3_reset(begin);
        for (int k = 0; k < rows_per_txn && i < rows; ++k, ++i) {
            const std::string time = format_timestamp(now_utc());
            sqlite3_bind_int64(ins, 1, 1);
            sqlite3_bind_double(ins, 2, 12.5 + i);
            sqlite3_bind_double(ins, 3, 2048.0);
            sqlite3_bind_null(ins, 4);
            sqlite3_bind_null(ins, 5);
            sqlite3_bind_text(ins, 6, time.c_str(), int(time.size()), SQLITE_TRANSIENT);
            check(sqlite3_step(ins), db, "insert");
            sqlite3_reset(ins);
        }
        check(sqlite3_step(commit), db, "commit");
        sqlite3_reset(commit);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    sqlite3_finalize(ins);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    return rows / seconds;
}

MetricsRecorder fresh_recorder(const fs::path& path)
{
    remove_store(path);
    return create_global_metrics_recorder("acme/widgets", "main", "abc123", "speed", path);
}

double recorder_durable(const fs::path& path, int rows, int threads)
{
    auto rec = fresh_recorder(path);
    const auto id = rec.initialise_benchmark({{"bench", "durable"}});
    const auto start = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = t; i < rows; i += threads) rec.collect_device_measurements(id, 12.5 + i, 2048.0);
        });
    for (auto& th : pool) th.join();
    return rows / std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<DeviceSample> make_batch(int first)
{
    std::vector<DeviceSample> batch(batch_size);
    for (int k = 0; k < batch_size; ++k) batch[k] = {12.5 + first + k, 2048.0, std::nullopt, std::nullopt, now_utc()};
    return batch;
}

double recorder_batched(const fs::path& path, int rows)
{
    auto rec = fresh_recorder(path);
    const auto id = rec.initialise_benchmark({{"bench", "batched"}});
    const auto start = Clock::now();
    for (int i = 0; i < rows; i += batch_size) rec.collect_device_measurements(id, make_batch(i));
    return rows / std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-recorder", "Recorder speed against raw SQLite loops");
    cli.add_options()("reps", "repetitions (median reported)", cxxopts::value<int>()->default_value("5"))(
        "dir", "folder for the store files (same file system for all)", cxxopts::value<std::string>()->default_value(""))(
        "h,help", "show help");
    const auto args = cli.parse(argc, argv);
    if (args.count("help")) {
        std::puts(cli.help().c_str());
        return 0;
    }
    const int reps = args["reps"].as<int>();
    fs::path dir = args["dir"].as<std::string>();
    const bool own_dir = dir.empty();
    if (own_dir) dir = fs::temp_directory_path() / ("benchstore-speed-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / "speed.db";

    std::vector<double> raw1, rec1, raw1000, rec1000, two, one;
    for (int r = 0; r < reps; ++r) {  // interleaved so drift hits every method alike
        raw1.push_back(raw_loop(file, durable_rows, 1));
        rec1.push_back(recorder_durable(file, durable_rows, 1));
        two.push_back(recorder_durable(file, durable_rows, 2));
        raw1000.push_back(raw_loop(file, batch_rows, batch_size));
        rec1000.push_back(recorder_batched(file, batch_rows));
    }
    std::printf("benchstore recorder speed, %d repetitions, medians, files in %s\n", reps, dir.c_str());
    std::printf("(a) durable, 1 row per call     : recorder %9.0f rows/s   raw 1-row txn loop %9.0f rows/s   ratio %.2f (target >= 0.80)\n",
                median(rec1), median(raw1), median(rec1) / median(raw1));
    std::printf("(b) batch, 1,000 rows per call  : recorder %9.0f rows/s   raw 1,000-row txn  %9.0f rows/s   ratio %.2f (target >= 0.50, >= 250,000 rows/s)\n",
                median(rec1000), median(raw1000), median(rec1000) / median(raw1000));
    std::printf("(c) durable, 2 threads at once  : recorder %9.0f rows/s   (1 thread %9.0f rows/s, ratio %.2f)\n",
                median(two), median(rec1), median(two) / median(rec1));

    // (d) memory while 1,000,000 rows are recorded through the batch path.
    {
        auto rec = fresh_recorder(file);
        const auto id = rec.initialise_benchmark({{"bench", "memory"}});
        std::printf("(d) resident memory while recording 1,000,000 rows (batch path):\n");
        std::printf("      rows %9d   RSS %6.1f MiB\n", 0, resident_mib());
        for (int i = 0; i < 1'000'000; i += batch_size) {
            rec.collect_device_measurements(id, make_batch(i));
            if ((i + batch_size) % 250'000 == 0) std::printf("      rows %9d   RSS %6.1f MiB\n", i + batch_size, resident_mib());
        }
    }
    remove_store(file);
    if (own_dir) fs::remove_all(dir);
    return 0;
}
