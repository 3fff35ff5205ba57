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

#include "speed_process.hpp"

namespace {

using namespace benchstore::speed;

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

int run(const cxxopts::ParseResult& args)
{
    const WorkFolder folder(args["dir"].as<std::string>());
    const fs::path& work = folder.path();
    const fs::path export_tool = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-export";
    const int benchmarks = args["benchmarks"].as<int>();
    const fs::path db = work / "bench.db";

    struct Size {
        const char* title;
        long rows;
        int repeat;
    };
    const Size sizes[] = {{"speed", args["rows"].as<long>(), args["repeat"].as<int>()},
                          {"memory", args["memory-rows"].as<long>(), args["memory-repeat"].as<int>()}};
    for (const auto& size : sizes) {
        if (size.rows <= 0 || size.repeat <= 0) continue;
        remove_store(db);
        const auto start = Clock::now();
        build_store(db, benchmarks, size.rows, "export");
        const double build_s = std::chrono::duration<double>(Clock::now() - start).count();
        const Figures f = measure(work, db, export_tool, size.repeat);
        report(size.title, size.rows, f, build_s, db);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-export", "Time benchstore-export against sqlite3 -csv.");
    cli.add_options()
        ("dir", "work folder (created; files deleted after)", cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-export"))
        ("benchmarks", "benchmarks in each store", cxxopts::value<int>()->default_value("100"))
        ("rows", "device rows for the speed run", cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions for the speed run", cxxopts::value<int>()->default_value("5"))
        ("memory-rows", "device rows for the memory run; 0 = skip", cxxopts::value<long>()->default_value("10000000"))
        ("memory-repeat", "repetitions for the memory run", cxxopts::value<int>()->default_value("3"));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
