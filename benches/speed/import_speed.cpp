// Import and merge speed, each measured against its reference in the same run:
//  (a) importing a pytest-benchmark JSON file of --samples rounds (default 1,000,000; one model row
//      each) with import_file, vs the recorder's batch call recording as many device rows in one call
//      (one transaction each); and the peak RSS of benchstore-import on that file and on one a quarter
//      its size (flat: the file is streamed, not loaded);
//  (b) merging a store of --rows device rows (default 10,000,000) into an empty store with
//      import_file, vs SQLite's own INSERT INTO ... SELECT of every table from the same store attached,
//      into an empty store.
// Each (a) figure is the median of --reps runs on fresh stores in --dir (default: a folder in /tmp);
// (b) runs once per --merge-reps. In each repetition the two sides take turns going first.
//
//   build/benches/speed/benchstore-speed-import [--samples 1000000] [--rows 10000000] [--reps 3] [--merge-reps 1] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <cxxopts.hpp>

#include "benchstore/import.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "speed_process.hpp"
#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace benchstore;
using benchstore::speed::Clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A pytest-benchmark file as pytest --benchmark-json writes it, with one test of `rounds` rounds.
void write_pytest_file(const fs::path& path, long rounds)
{
    std::ofstream out(path);
    out << "{\n  \"machine_info\": {\"node\": \"speed\", \"system\": \"Linux\", \"release\": \"6.1.0\"},\n"
           "  \"commit_info\": {\"id\": \"abc\", \"branch\": \"main\", \"project\": \"speed\", \"dirty\": false},\n"
           "  \"benchmarks\": [{\"group\": null, \"name\": \"test_speed\", \"fullname\": \"t.py::test_speed\", "
           "\"params\": null, \"extra_info\": {}, \"options\": {}, \"stats\": {\"min\": 1e-06, \"rounds\": "
        << rounds << ", \"data\": [";
    std::uint64_t state = 11;
    char buf[32];
    for (long i = 0; i < rounds; ++i) {
        std::snprintf(buf, sizeof buf, "%s%.17g", i ? ", " : "", speed::uniform(state, 1e-6, 2e-6));
        out << buf;
    }
    out << "], \"iterations\": 1}}],\n  \"datetime\": \"2026-12-03T00:00:00.000000\",\n  \"version\": \"3.2.2\"\n}\n";
}

double import_seconds(const fs::path& db, const fs::path& file)
{
    speed::remove_store(db);
    ImportOptions o;
    o.db_path = db;
    const auto start = Clock::now();
    const auto r = import_file(o, file);
    const double s = seconds_since(start);
    if (r.model_rows == 0) throw std::runtime_error("nothing imported");
    return s;
}

double recorder_batch_seconds(const fs::path& db, long rows)
{
    speed::remove_store(db);
    std::vector<DeviceSample> samples;
    std::uint64_t state = 3;
    for (long i = 0; i < rows; ++i) samples.push_back({speed::uniform(state, 0, 400), 1000.0, std::nullopt, std::nullopt, {}});
    auto recorder = create_global_metrics_recorder("speed", "main", "abc", "speed", db);
    const auto id = recorder.initialise_benchmark({{"name", "t.py::test_speed"}});
    const auto start = Clock::now();
    recorder.collect_device_measurements(id, samples);
    return seconds_since(start);
}

double merge_seconds(const fs::path& db, const fs::path& source)
{
    speed::remove_store(db);
    ImportOptions o;
    o.db_path = db;
    store::open_store(db, store::OpenMode::read_write);  // both sides start from an empty, migrated store
    const auto start = Clock::now();
    import_file(o, source);
    return seconds_since(start);
}

double insert_select_seconds(const fs::path& db, const fs::path& source)
{
    speed::remove_store(db);
    auto conn = store::open_store(db, store::OpenMode::read_write);
    const auto start = Clock::now();
    SQLite::Statement attach(conn, "ATTACH DATABASE ? AS copy");
    attach.bind(1, source.string());
    attach.exec();
    conn.exec("BEGIN IMMEDIATE");
    for (const char* table : {"benchmarks", "benchmark_status_changes", "device_measurements", "model_measurements"})
        conn.exec(std::string("INSERT INTO main.") + table + " SELECT * FROM copy." + table);
    conn.exec("COMMIT");
    return seconds_since(start);
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-import", "Import and merge speed against their references");
    cli.add_options()("samples", "rounds in the imported file", cxxopts::value<long>()->default_value("1000000"))(
        "rows", "device rows in the merged store", cxxopts::value<long>()->default_value("10000000"))(
        "reps", "repetitions of the import figures", cxxopts::value<int>()->default_value("3"))(
        "merge-reps", "repetitions of the merge figures", cxxopts::value<int>()->default_value("1"))(
        "dir", "scratch folder", cxxopts::value<std::string>()->default_value(""));
    const auto args = cli.parse(argc, argv);
    const long samples = args["samples"].as<long>();
    const long rows = args["rows"].as<long>();
    const int reps = args["reps"].as<int>();
    fs::path dir = args["dir"].as<std::string>();
    if (dir.empty()) dir = fs::temp_directory_path() / ("benchstore-speed-import-" + std::to_string(getpid()));
    fs::create_directories(dir);

    // (a) import vs the recorder's batch call
    const auto file = dir / "pytest.json", quarter = dir / "pytest-quarter.json";
    write_pytest_file(file, samples);
    write_pytest_file(quarter, samples / 4);
    std::vector<double> imports, batches;
    for (int i = 0; i < reps; ++i) {
        // Taking turns going first, as the merge figures below.
        for (const bool importing : {i % 2 == 1, i % 2 == 0}) {
            if (importing) imports.push_back(import_seconds(dir / "import.db", file));
            else batches.push_back(recorder_batch_seconds(dir / "batch.db", samples));
        }
    }
    const double import_rate = double(samples) / speed::median(imports);
    const double batch_rate = double(samples) / speed::median(batches);
    std::printf("import of %ld pytest-benchmark rounds: median %.3f s, %.0f rows/s\n", samples, speed::median(imports), import_rate);
    std::printf("recorder batch call, %ld rows:        median %.3f s, %.0f rows/s\n", samples, speed::median(batches), batch_rate);
    std::printf("import / recorder batch rate: %.2f (target >= 0.8)\n", import_rate / batch_rate);
    const std::string exe = std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-import";
    speed::remove_store(dir / "rss.db");
    const auto small = speed::run_child({exe, "--db", (dir / "rss.db").string(), quarter.string()}, dir / "out.txt");
    speed::remove_store(dir / "rss.db");
    const auto large = speed::run_child({exe, "--db", (dir / "rss.db").string(), file.string()}, dir / "out.txt");
    std::printf("benchstore-import peak RSS: %.1f MiB for %ld rounds (%.0f MiB file), %.1f MiB for %ld rounds (%.0f MiB file)\n",
                small.peak_mib, samples / 4, double(fs::file_size(quarter)) / 1048576.0, large.peak_mib, samples,
                double(fs::file_size(file)) / 1048576.0);

    // (b) merge vs INSERT INTO ... SELECT from an attached copy
    if (rows > 0) {
        const auto source = dir / "source.db";
        speed::remove_store(source);
        speed::build_store(source, 100, rows, "merge");
        std::vector<double> merges, copies;
        // The two take turns going first: neither always runs right after the other's writes.
        for (int i = 0; i < args["merge-reps"].as<int>(); ++i) {
            for (const bool merge : {i % 2 == 1, i % 2 == 0}) {
                if (merge) merges.push_back(merge_seconds(dir / "merged.db", source));
                else copies.push_back(insert_select_seconds(dir / "copy.db", source));
                speed::remove_store(dir / (merge ? "merged.db" : "copy.db"));
            }
        }
        const double merge_rate = double(rows) / speed::median(merges);
        const double copy_rate = double(rows) / speed::median(copies);
        std::printf("merge of a %ld-row store:             median %.2f s, %.0f rows/s\n", rows, speed::median(merges), merge_rate);
        std::printf("INSERT INTO ... SELECT, attached copy: median %.2f s, %.0f rows/s\n", speed::median(copies), copy_rate);
        std::printf("merge / INSERT ... SELECT rate: %.2f (target >= 0.8)\n", merge_rate / copy_rate);
    }
    fs::remove_all(dir);
    return 0;
}
