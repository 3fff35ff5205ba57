// benchstore-speed-export: speed and memory of benchstore-export against `sqlite3 -csv` dumping one
// table of the same file. Prints figures; it is a benchmark, not a test.
//
// It builds a store of --benchmarks benchmarks and --rows device rows through the recorder's batch
// API (plus a few model rows per benchmark), then alternates --repeat runs of
//   sqlite3 -csv STORE "SELECT * FROM device_measurements" > dump.csv
//   benchstore-export --db STORE --out DIR              (the four files, fsynced, renamed)
// each as a child process: wall time, CPU time (user + system) and the child's peak RSS (GNU time's
// %M where installed, else wait4's ru_maxrss, which then also counts this program's own memory).
// Medians, the ratio and peak RSS are printed; then the same at --memory-rows (fewer repetitions) for
// memory; then, with --model-rows, a store of that many model rows (four metrics each, spread over the
// benchmarks, a few device rows each) against `sqlite3 -csv` dumping model_measurements: the rows
// whose JSON column export reads three times (metric names, model file, summary).
// --before PATH adds another benchstore-export (a build of an older commit) to each alternation, so
// the two builds are compared inside one run on one store. All files are deleted at the end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <cxxopts.hpp>

#include "speed_process.hpp"

namespace {

using namespace benchstore::speed;

// The runs of one program: wall seconds, CPU seconds, and the highest peak RSS.
struct Runs {
    std::vector<double> wall, cpu;
    double peak = 0;

    void add(const Run& r)
    {
        wall.push_back(r.seconds);
        cpu.push_back(r.cpu_seconds);
        peak = std::max(peak, r.peak_mib);
    }
};

struct Figures {
    Runs dump, exported, before;
};

Figures measure(const fs::path& work, const fs::path& db, const char* table, const fs::path& export_tool,
                const fs::path& before_tool, int repeat)
{
    Figures f;
    const fs::path out = work / "export-out";
    const auto export_with = [&](const fs::path& tool) {
        const Run r = run_child({tool.string(), "--db", db.string(), "--out", out.string()}, work / "export.log");
        fs::remove_all(out);
        return r;
    };
    for (int r = 0; r < repeat; ++r) {
        f.dump.add(run_child({"sqlite3", "-csv", db.string(), std::string("SELECT * FROM ") + table}, work / "dump.csv"));
        fs::remove(work / "dump.csv");
        f.exported.add(export_with(export_tool));
        if (!before_tool.empty()) f.before.add(export_with(before_tool));
    }
    return f;
}

void print_runs(const char* label, const Runs& runs)
{
    std::printf("  %-44s median %7.3f s (CPU %7.3f s)  peak RSS %6.1f MiB  runs:", label, median(runs.wall),
                median(runs.cpu), runs.peak);
    for (double s : runs.wall) std::printf(" %.3f", s);
    std::printf("\n");
}

void report(const char* title, const char* what, long rows, const char* table, const Figures& f, double build_s,
            const fs::path& db)
{
    std::printf("%s: %ld %s rows, store %.1f MiB (built in %.1f s)\n", title, rows, what,
                static_cast<double>(fs::file_size(db)) / 1048576.0, build_s);
    const std::string dump_label = std::string("sqlite3 -csv (") + table + " only)";
    print_runs(dump_label.c_str(), f.dump);
    print_runs("benchstore-export (four files, fsynced)", f.exported);
    // The targets are the device rows' (most of any store); model rows are parsed JSON, not copied numbers.
    const bool device_rows = std::string(what) == "device";
    std::printf("  ratio export / dump: %.2f%s; export peak RSS %.1f MiB%s\n",
                median(f.exported.wall) / median(f.dump.wall), device_rows ? " (target <= 2)" : "", f.exported.peak,
                device_rows ? " (target < 64)" : "");
    if (!f.before.wall.empty()) {
        print_runs("--before benchstore-export", f.before);
        std::printf("  ratio export / before: wall %.2f, CPU %.2f (no worse: <= 1)\n",
                    median(f.exported.wall) / median(f.before.wall), median(f.exported.cpu) / median(f.before.cpu));
    }
    std::fflush(stdout);
}

// Adds rows model rows of four metrics (floats and integers, as the recorder and hand-written JSON
// give them) spread over the store's benchmarks, in one transaction.
void add_model_rows(const fs::path& db, long rows)
{
    SQLite::Database store(db.string(), SQLite::OPEN_READWRITE);
    store.exec("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < " + std::to_string(rows) +
               ") INSERT INTO model_measurements (benchmark_ref, measurements, time) "
               "SELECT 1 + k % (SELECT count(*) FROM benchmarks), "
               "'{\"model_load_time\":' || (2.34 + k * 1e-6) || ',\"first_eager_forward_pass_time_secs\":0.1' || k || "
               "',\"time_to_first_token_secs\":0.045,\"tokens_per_second\":' || (100 + k) || '}', "
               "'2025-07-29T20:08:09.000000' FROM n");
}

int run(const cxxopts::ParseResult& args)
{
    const WorkFolder folder(args["dir"].as<std::string>());
    const fs::path& work = folder.path();
    const fs::path export_tool = fs::path(BENCHSTORE_BINARY_DIR) / "tools" / "benchstore-export";
    const fs::path before_tool = args["before"].as<std::string>();
    if (!before_tool.empty() && !fs::is_regular_file(before_tool))
        throw std::invalid_argument("--before " + before_tool.string() + ": no such program");
    const int benchmarks = args["benchmarks"].as<int>();
    const fs::path db = work / "bench.db";

    struct Size {
        const char* title;
        long device_rows;
        long model_rows;
        int repeat;
    };
    const long model_rows = args["model-rows"].as<long>();
    const Size sizes[] = {{"speed", args["rows"].as<long>(), 0, args["repeat"].as<int>()},
                          {"memory", args["memory-rows"].as<long>(), 0, args["memory-repeat"].as<int>()},
                          {"model rows", model_rows > 0 ? benchmarks * 10L : 0, model_rows, args["repeat"].as<int>()}};
    for (const auto& size : sizes) {
        if (size.device_rows <= 0 || size.repeat <= 0) continue;
        remove_store(db);
        const auto start = Clock::now();
        build_store(db, benchmarks, size.device_rows, "export");
        if (size.model_rows > 0) add_model_rows(db, size.model_rows);
        const double build_s = std::chrono::duration<double>(Clock::now() - start).count();
        const bool models = size.model_rows > 0;
        const char* table = models ? "model_measurements" : "device_measurements";
        const Figures f = measure(work, db, table, export_tool, before_tool, size.repeat);
        report(size.title, models ? "model" : "device", models ? size.model_rows : size.device_rows, table, f,
               build_s, db);
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
        ("rows", "device rows for the speed run; 0 = skip", cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions for the speed and model-rows runs", cxxopts::value<int>()->default_value("5"))
        ("memory-rows", "device rows for the memory run; 0 = skip", cxxopts::value<long>()->default_value("10000000"))
        ("memory-repeat", "repetitions for the memory run", cxxopts::value<int>()->default_value("3"))
        ("model-rows", "model rows for the model-rows run (10 device rows a benchmark); 0 = skip",
         cxxopts::value<long>()->default_value("0"))
        ("before", "another benchstore-export to time alternately (an older build)",
         cxxopts::value<std::string>()->default_value(""));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
