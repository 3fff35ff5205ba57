// benchstore-speed-export: speed and memory of benchstore-export against `sqlite3 -csv` dumping only
// device_measurements from the same file. Prints figures; it is a benchmark, not a test.
//
// It builds a store of --benchmarks benchmarks and --rows device rows through the recorder's batch
// API (plus a few model rows per benchmark), then alternates --repeat runs of
//   sqlite3 -csv STORE "SELECT * FROM device_measurements" > dump.csv
//   benchstore-export --db STORE --out DIR              (the four files, fsynced, renamed)
// each as a child process: wall time and the child's peak RSS (GNU time's %M where installed, else
// wait4's ru_maxrss, which then also counts this program's own memory). Medians, the ratio
// and peak RSS are printed; then the same at --memory-rows (fewer repetitions) for memory. All files
// are deleted at the end.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/metrics_recorder.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Run {
    double seconds = 0;
    double peak_mib = 0;
};

const fs::path gnu_time = "/usr/bin/time";

// Runs argv as a child with stdout to stdout_path; throws if it fails. The peak RSS comes from GNU
// time where it is installed: a child spawned straight from this process would count this
// process's own resident memory (Linux keeps the high-water mark of the memory it replaces at exec).
Run run_child(std::vector<std::string> argv, const fs::path& stdout_path)
{
    const fs::path rss_file = stdout_path.string() + ".rss";
    const bool use_time = fs::exists(gnu_time);
    if (use_time) argv.insert(argv.begin(), {gnu_time.string(), "-f", "%M", "-o", rss_file.string()});
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const auto start = Clock::now();
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) < 0) throw std::runtime_error("wait4 failed for " + argv[0]);
    const auto stop = Clock::now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(argv.back() + " failed");
    double peak_kib = static_cast<double>(usage.ru_maxrss);
    if (use_time) {
        std::ifstream in(rss_file);
        in >> peak_kib;
        fs::remove(rss_file);
    }
    return {std::chrono::duration<double>(stop - start).count(), peak_kib / 1024.0};
}

double median(std::vector<double> xs)
{
    std::sort(xs.begin(), xs.end());
    const std::size_t n = xs.size();
    return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

std::uint64_t next_random(std::uint64_t& state)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11;
}

double uniform(std::uint64_t& state, double lo, double hi)
{
    return lo + (hi - lo) * static_cast<double>(next_random(state)) / 9007199254740992.0;
}

void build_store(const fs::path& db, int benchmarks, long rows)
{
    auto recorder = benchstore::create_global_metrics_recorder("huggingface/transformers", "main", "abc123def456",
                                                               "Benchmark store for the export benchmark", db);
    std::uint64_t state = 7;
    const long per_benchmark = rows / benchmarks;
    constexpr long chunk = 100'000;
    std::vector<benchstore::DeviceSample> samples;
    auto time = benchstore::Timestamp(std::chrono::seconds(1'753'819'687));
    for (int b = 0; b < benchmarks; ++b) {
        const auto id = recorder.initialise_benchmark(
            {{"model_name", "model-" + std::to_string(b)}, {"gpu_name", "NVIDIA H100"}, {"batch_size", "1"}});
        const long count = per_benchmark + (b < rows % benchmarks ? 1 : 0);
        for (long done = 0; done < count; done += chunk) {
            samples.clear();
            for (long i = done; i < std::min(count, done + chunk); ++i) {
                time += std::chrono::milliseconds(100);
                samples.push_back({uniform(state, 0, 400), uniform(state, 1000, 9000), uniform(state, 0, 100),
                                   uniform(state, 0, 80000), time});
            }
            recorder.collect_device_measurements(id, samples);
        }
        for (int m = 0; m < 4; ++m)
            recorder.collect_model_measurements(id, {{"model_load_time", uniform(state, 1, 5)},
                                                     {"first_eager_forward_pass_time_secs", uniform(state, 0, 1)},
                                                     {"time_to_first_token_secs", uniform(state, 0, 0.1)},
                                                     {"time_to_next_token_mean_secs", uniform(state, 0, 0.01)}});
        recorder.set_status(id, benchstore::BenchmarkStatus::completed);
    }
}

void remove_store(const fs::path& db)
{
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

struct Figures {
    std::vector<double> dump_s, export_s;
    double dump_peak = 0, export_peak = 0;
};

Figures measure(const fs::path& work, const fs::path& db, const fs::path& export_tool, int repeat)
{
    Figures f;
    const fs::path out = work / "export-out";
    for (int r = 0; r < repeat; ++r) {
        const Run dump = run_child({"sqlite3", "-csv", db.string(), "SELECT * FROM device_measurements"},
                                   work / "dump.csv");
        fs::remove(work / "dump.csv");
        const Run exp = run_child({export_tool.string(), "--db", db.string(), "--out", out.string()}, work / "export.log");
        fs::remove_all(out);
        f.dump_s.push_back(dump.seconds);
        f.export_s.push_back(exp.seconds);
        f.dump_peak = std::max(f.dump_peak, dump.peak_mib);
        f.export_peak = std::max(f.export_peak, exp.peak_mib);
    }
    return f;
}

void print_runs(const char* label, const std::vector<double>& runs, double peak)
{
    std::printf("  %-44s median %7.3f s  peak RSS %6.1f MiB  runs:", label, median(runs), peak);
    for (double s : runs) std::printf(" %.3f", s);
    std::printf("\n");
}

void report(const char* title, long rows, const Figures& f, double build_s, const fs::path& db)
{
    std::printf("%s: %ld device rows, store %.1f MiB (built in %.1f s)\n", title, rows,
                static_cast<double>(fs::file_size(db)) / 1048576.0, build_s);
    print_runs("sqlite3 -csv (device_measurements only)", f.dump_s, f.dump_peak);
    print_runs("benchstore-export (four files, fsynced)", f.export_s, f.export_peak);
    std::printf("  ratio export / dump: %.2f (target <= 2); export peak RSS %.1f MiB (target < 64)\n",
                median(f.export_s) / median(f.dump_s), f.export_peak);
    std::fflush(stdout);
}

int run(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-export", "Time benchstore-export against sqlite3 -csv.");
    cli.add_options()
        ("dir", "work folder (created; files deleted after)", cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-export"))
        ("benchmarks", "benchmarks in each store", cxxopts::value<int>()->default_value("100"))
        ("rows", "device rows for the speed run", cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions for the speed run", cxxopts::value<int>()->default_value("5"))
        ("memory-rows", "device rows for the memory run; 0 = skip", cxxopts::value<long>()->default_value("10000000"))
        ("memory-repeat", "repetitions for the memory run", cxxopts::value<int>()->default_value("3"))
        ("h,help", "show this help");
    const auto args = cli.parse(argc, argv);
    if (args.count("help")) {
        std::cout << cli.help();
        return 0;
    }
    const fs::path work = args["dir"].as<std::string>();
    const fs::path export_tool = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-export";
    const int benchmarks = args["benchmarks"].as<int>();
    fs::create_directories(work);
    const fs::path db = work / "bench.db";

    struct Size {
        const char* title;
        long rows;
        int repeat;
    };
    const Size sizes[] = {{"speed", args["rows"].as<long>(), args["repeat"].as<int>()},
                          {"memory", args["memory-rows"].as<long>(), args["memory-repeat"].as<int>()}};
    try {
        for (const auto& size : sizes) {
            if (size.rows <= 0 || size.repeat <= 0) continue;
            remove_store(db);
            const auto start = Clock::now();
            build_store(db, benchmarks, size.rows);
            const double build_s = std::chrono::duration<double>(Clock::now() - start).count();
            const Figures f = measure(work, db, export_tool, size.repeat);
            report(size.title, size.rows, f, build_s, db);
        }
    } catch (...) {
        fs::remove_all(work);
        throw;
    }
    fs::remove_all(work);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "benchstore-speed-export: error: " << e.what() << "\n";
        return 1;
    }
}
