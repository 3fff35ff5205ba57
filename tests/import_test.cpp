#define BOOST_TEST_MODULE import
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "benchstore/import.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string import_exe = IMPORT_EXE;
const std::string compare_exe = COMPARE_EXE;
const fs::path data_dir = IMPORT_TEST_DATA;

test::CommandResult run(const TempDir& dir, const std::string& command)
{
    return test::run_command(command, dir.path());
}

std::string q(const fs::path& p) { return test::shell_quote(p.string()); }

// Runs the real Google Benchmark program with the planted slowdown factor, writing its JSON output.
fs::path google_benchmark_run(const TempDir& dir, const std::string& name, double slowdown)
{
    const fs::path out = dir / name;
    const auto r = run(dir, "BENCHSTORE_TEST_SLOWDOWN=" + std::to_string(slowdown) + " " + q(GB_PROGRAM) +
                                " --benchmark_out=" + q(out) + " --benchmark_out_format=json");
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "the Google Benchmark program failed: " << r.err);
    return out;
}

// Runs a real pytest-benchmark session (Debian's python3 and pytest-benchmark) with the planted slowdown.
fs::path pytest_benchmark_run(const TempDir& dir, const std::string& name, double slowdown)
{
    const fs::path session = dir / "session";
    fs::create_directories(session);
    fs::copy_file(PYTEST_SESSION, session / "test_session.py", fs::copy_options::overwrite_existing);
    const fs::path out = dir / name;
    const auto r = run(dir, "cd " + q(session) + " && BENCHSTORE_TEST_SLOWDOWN=" + std::to_string(slowdown) +
                                " PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider "
                                "test_session.py --benchmark-timer=time.process_time --benchmark-json=" + q(out));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "the pytest session failed: " << r.out << r.err);
    return out;
}

test::CommandResult import_cli(const TempDir& dir, const std::string& args)
{
    return run(dir, test::shell_quote(import_exe) + " --db " + q(dir / "b.db") + " " + args);
}

std::int64_t count(const fs::path& db, const std::string& sql)
{
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet(sql).getInt64();
}

std::string text(const fs::path& db, const std::string& sql)
{
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet(sql).getString();
}

// Every row of every table a file can add to, so "nothing stored" can be checked.
std::int64_t rows_in_store(const fs::path& db)
{
    return count(db, "SELECT (SELECT count(*) FROM benchmarks) + (SELECT count(*) FROM model_measurements) + "
                     "(SELECT count(*) FROM device_measurements) + (SELECT count(*) FROM benchmark_status_changes) + "
                     "(SELECT count(*) FROM imports)");
}

void write_file(const fs::path& path, const std::string& content)
{
    std::ofstream(path, std::ios::binary) << content;
}

std::size_t lines(const std::string& s)
{
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

const char* const commit_options = " --repository acme/widgets --branch main --commit ";

// Imports the base, unchanged and slowed-down runs as commits aaaa1111, bbbb2222 and cccc3333; each
// import's line must say `expected`.
void import_three_runs(const TempDir& dir, const std::vector<fs::path>& files, const std::string& expected)
{
    const char* const commits[] = {"aaaa1111", "bbbb2222", "cccc3333"};
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto r = import_cli(dir, std::string(commit_options) + commits[i] + " " + q(files[i]));
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
        BOOST_TEST(r.out.find(expected) != std::string::npos, r.out);
    }
}

// benchstore-compare of two imported commits; a verdict needs a change of more than 100%: the test
// machines are shared, and a busy sibling core has moved an unchanged pair's CPU times by 62%. The
// planted slowdown (5x) is +400%.
test::CommandResult compare_commits(const TempDir& dir, const std::string& base, const std::string& head)
{
    return run(dir, test::shell_quote(compare_exe) + " --db " + q(dir / "b.db") + " --threshold 100 --color never commit:" +
                        base + " commit:" + head);
}

} // namespace

BOOST_AUTO_TEST_CASE(google_benchmark_slowdown_is_a_regression_and_an_unchanged_pair_is_not)
{
    TempDir dir("import");
    const auto base = google_benchmark_run(dir, "base.json", 1);
    const auto same = google_benchmark_run(dir, "same.json", 1);
    const auto slow = google_benchmark_run(dir, "slow.json", 5);
    import_three_runs(dir, {base, same, slow}, "3 benchmarks (1 failed), 16 model rows");
    const auto unchanged = compare_commits(dir, "aaaa1111", "bbbb2222");
    BOOST_TEST(unchanged.exit_code == 0, unchanged.out << unchanged.err);
    const auto slower = compare_commits(dir, "aaaa1111", "cccc3333");
    BOOST_TEST(slower.exit_code == 4, slower.out << slower.err);
    BOOST_TEST(slower.out.find("real_time_ns") != std::string::npos, slower.out);
}

BOOST_AUTO_TEST_CASE(google_benchmark_file_maps_repetitions_errors_and_context)
{
    TempDir dir("import");
    const auto file = google_benchmark_run(dir, "run.json", 1);
    const auto r = import_cli(dir, std::string(commit_options) + "abc " + q(file));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const auto db = dir / "b.db";
    // One benchmark per instance, one model row per repetition; the aggregates are not samples.
    BOOST_TEST(count(db, "SELECT count(*) FROM benchmarks WHERE module = 'google-benchmark'") == 3);
    BOOST_TEST(count(db, "SELECT count(*) FROM model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref "
                         "WHERE json_extract(b.metadata, '$.name') = 'BM_work/1/iterations:10/repeats:8/manual_time'") == 8);
    BOOST_TEST(text(db, "SELECT group_concat(key, ',') FROM (SELECT j.key FROM model_measurements m, json_each(m.measurements) j "
                        "WHERE m.id = 1)") == "real_time_ns,cpu_time_ns,iterations,items_per_second,steps");
    BOOST_TEST(count(db, "SELECT count(*) FROM model_measurements WHERE measurements LIKE '%_mean%'") == 0);
    BOOST_TEST(text(db, "SELECT json_extract(details, '$.aggregates_skipped') FROM imports") == "8");
    // The errored benchmark is failed with Google Benchmark's message, and has no samples.
    BOOST_TEST(text(db, "SELECT status || ': ' || status_reason FROM benchmarks WHERE metadata LIKE '%BM_broken%'") ==
               "failed: the fixture could not be opened");
    // The context: host name and fingerprint; the debug-build library is warned about.
    BOOST_TEST(text(db, "SELECT json_extract(host_info, '$.library_build_type') FROM benchmarks LIMIT 1") == "debug");
    BOOST_TEST(count(db, "SELECT count(*) FROM benchmarks WHERE json_extract(host_info, '$.logical_cores') IS NULL") == 0);
    BOOST_TEST(r.err.find("built as debug") != std::string::npos, r.err);
    // Where it came from: the ledger row it points to, with the file's own time.
    BOOST_TEST(count(db, "SELECT count(*) FROM benchmarks b JOIN imports i ON i.id = b.import_ref WHERE i.format = "
                         "'google-benchmark' AND i.file_name = " + std::string("'") + file.string() +
                         "' AND i.file_time = b.created_at AND i.run_id = b.run_id") == 3);
}

BOOST_AUTO_TEST_CASE(pytest_benchmark_slowdown_is_a_regression_and_an_unchanged_pair_is_not)
{
    TempDir dir("import");
    const auto base = pytest_benchmark_run(dir, "base.json", 1);
    const auto same = pytest_benchmark_run(dir, "same.json", 1);
    const auto slow = pytest_benchmark_run(dir, "slow.json", 5);
    import_three_runs(dir, {base, same, slow}, "2 benchmarks, 24 model rows");
    const auto db = dir / "b.db";
    BOOST_TEST(text(db, "SELECT metadata FROM benchmarks ORDER BY id LIMIT 1") ==
               R"({"name":"test_session.py::test_work[1]","group":"loops","param.size":"1","extra_info.kind":"sum of squares"})");
    BOOST_TEST(text(db, "SELECT json_extract(host_info, '$.python_implementation') FROM benchmarks LIMIT 1") == "CPython");
    const auto unchanged = compare_commits(dir, "aaaa1111", "bbbb2222");
    BOOST_TEST(unchanged.exit_code == 0, unchanged.out << unchanged.err);
    const auto slower = compare_commits(dir, "aaaa1111", "cccc3333");
    BOOST_TEST(slower.exit_code == 4, slower.out << slower.err);
}

BOOST_AUTO_TEST_CASE(pytest_benchmark_commit_info_supplies_what_the_options_do_not)
{
    TempDir dir("import");
    write_file(dir / "p.json", R"({"machine_info": {"node": "ci-7", "system": "Linux", "release": "6.1.0"},
        "commit_info": {"id": "f00d", "branch": "topic", "project": "acme", "dirty": true},
        "benchmarks": [{"group": null, "name": "test_a", "fullname": "t.py::test_a", "params": null, "extra_info": {},
                        "stats": {"min": 1.0, "max": 3.0, "mean": 2.0, "median": 2.0, "rounds": 3}}],
        "datetime": "2026-01-02T03:04:05.678901", "version": "3.2.2"})");
    const auto r = import_cli(dir, "--branch override " + q(dir / "p.json"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const auto db = dir / "b.db";
    BOOST_TEST(text(db, "SELECT repository || ' ' || branch || ' ' || commit_id || ' ' || host || ' ' || created_at "
                        "FROM benchmarks") == "acme override f00d ci-7 2026-01-02T03:04:05.678901");
    // No per-round data: the summary is stored as one row, so compare has one sample, not a guess.
    BOOST_TEST(text(db, "SELECT measurements FROM model_measurements") ==
               R"({"time_s_min":1,"time_s_max":3,"time_s_mean":2,"time_s_median":2,"rounds":3})");
    BOOST_TEST(text(db, "SELECT json_extract(details, '$.dirty') FROM imports") == "true");
}

BOOST_AUTO_TEST_CASE(hf_benchmark_v2_file_maps_iterations_gpu_samples_and_failures)
{
    TempDir dir("import");
    const auto r = import_cli(dir, "--repository huggingface/transformers " + q(data_dir / "hf_benchmark_v2.json"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("3 benchmarks (1 failed), 5 model rows, 6 device rows") != std::string::npos, r.out);
    const auto db = dir / "b.db";
    BOOST_TEST(text(db, "SELECT branch || ' ' || commit_id || ' ' || created_at FROM benchmarks ORDER BY id LIMIT 1") ==
               "main 5a7c9e1f0b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f 2025-10-14T09:30:00.123456");
    BOOST_TEST(text(db, "SELECT json_extract(metadata, '$.config_hash') || ' ' || json_extract(metadata, '$.batch_size') "
                        "FROM benchmarks ORDER BY id LIMIT 1") == "3b5f0c1d2e 1");
    // Each iteration one model row; monitored iterations are stamped when their monitoring started.
    BOOST_TEST(text(db, "SELECT measurements || ' ' || time FROM model_measurements ORDER BY id LIMIT 1") ==
               R"({"e2e_latency_s":1.25,"time_to_first_token_s":0.05,"inter_token_latency_s":0.009} 2025-10-14T09:30:01.500000)");
    // GPU samples at their own times, GiB as MiB, no invented CPU values.
    BOOST_TEST(text(db, "SELECT gpu_util || ' ' || gpu_mem_megabytes || ' ' || time || ' ' || (cpu_util IS NULL) "
                        "FROM device_measurements ORDER BY id DESC LIMIT 1") == "99.0 3072.0 2025-10-14T09:30:04.600000 1");
    BOOST_TEST(text(db, "SELECT status || ': ' || status_reason FROM benchmarks WHERE metadata LIKE '%f00dfeed42%'") ==
               "failed: benchmark_v2 reported success: false");
    BOOST_TEST(text(db, "SELECT json_extract(host_info, '$.gpu_name') FROM benchmarks LIMIT 1") == "NVIDIA H100 80GB HBM3");
}

BOOST_AUTO_TEST_CASE(importing_the_same_file_twice_adds_nothing)
{
    TempDir dir("import");
    const auto file = dir / "hf.json";
    fs::copy_file(data_dir / "hf_benchmark_v2.json", file);
    BOOST_TEST_REQUIRE(import_cli(dir, "--repository hf " + q(file)).exit_code == 0);
    const auto before = rows_in_store(dir / "b.db");
    fs::copy_file(file, dir / "renamed.json");
    const auto again = import_cli(dir, "--repository hf " + q(dir / "renamed.json"));
    BOOST_TEST(again.exit_code == 0, again.err);
    BOOST_TEST(again.out.find("already imported (as " + file.string()) != std::string::npos, again.out);
    BOOST_TEST(rows_in_store(dir / "b.db") == before);
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_with_one_line_and_nothing_stored)
{
    TempDir dir("import");
    const std::string good_gb = R"({"context": {"date": "2026-01-01T00:00:00+00:00", "host_name": "h"},
        "benchmarks": [{"name": "BM_a", "run_name": "BM_a", "run_type": "iteration", "threads": 1, "iterations": 10,
                        "real_time": 1.5, "cpu_time": 1.25, "time_unit": "ns"}]})";
    write_file(dir / "good.json", good_gb);
    BOOST_TEST_REQUIRE(import_cli(dir, std::string(commit_options) + "c1 " + q(dir / "good.json")).exit_code == 0);
    const auto before = rows_in_store(dir / "b.db");
    struct Case {
        std::string name, content, expected;
    };
    const std::vector<Case> cases{
        {"truncated.json", good_gb.substr(0, good_gb.size() - 30), "invalid JSON"},
        {"invalid.json", R"({"context": {}, "benchmarks": [{"name": "BM_a",, }]})", "line 1, column"},
        {"missing.json", R"({"context": {}, "benchmarks": [{"name": "BM_a", "iterations": 1, "cpu_time": 1}]})",
         "benchmarks[0].real_time: expected a number, found nothing (missing)"},
        {"mistyped.json", R"({"context": {}, "benchmarks": [{"name": "BM_a", "iterations": 1, "real_time": "fast", "cpu_time": 1}]})",
         "benchmarks[0].real_time: expected a number, found a string"},
        {"nan.json", R"({"context": {}, "benchmarks": [{"name": "BM_a", "iterations": 1, "real_time": NaN, "cpu_time": 1}]})",
         "invalid JSON"},
        {"infinite.json", R"({"context": {}, "benchmarks": [{"name": "BM_a", "iterations": 1, "real_time": 1e999, "cpu_time": 1}]})",
         "number overflow"},
        {"unknown.json", R"({"results": [1, 2, 3]})", "format not recognised"},
        {"second_bad.json", R"({"context": {}, "benchmarks": [{"name": "BM_b", "iterations": 1, "real_time": 1, "cpu_time": 1},
                                {"name": "BM_c", "iterations": 1, "real_time": 1}]})",
         "benchmarks[1].cpu_time: expected a number"},
    };
    for (const auto& c : cases) {
        write_file(dir / c.name, c.content);
        const auto r = import_cli(dir, std::string(commit_options) + "c2 " + q(dir / c.name));
        BOOST_TEST(r.exit_code == 1, c.name);
        BOOST_TEST(lines(r.err) == 1u, c.name << ": " << r.err);
        BOOST_TEST(r.err.find((dir / c.name).string() + ": ") != std::string::npos, c.name << ": " << r.err);
        BOOST_TEST(r.err.find(c.expected) != std::string::npos, c.name << ": " << r.err);
        BOOST_TEST(rows_in_store(dir / "b.db") == before, c.name);
    }
    // A required value given neither by the options nor by the file is named.
    write_file(dir / "other.json", good_gb + " ");
    const auto no_commit = import_cli(dir, "--repository r --branch b " + q(dir / "other.json"));
    BOOST_TEST(no_commit.exit_code == 1);
    BOOST_TEST(no_commit.err.find("no commit: the file does not give one; give --commit") != std::string::npos, no_commit.err);
    BOOST_TEST(import_cli(dir, "--format nonsense " + q(dir / "good.json")).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(a_directory_imports_the_files_it_recognises_and_names_the_others)
{
    TempDir dir("import");
    const fs::path results = dir / "results";
    fs::create_directories(results);
    fs::copy_file(data_dir / "hf_benchmark_v2.json", results / "a_hf.json");
    write_file(results / "b_notes.txt", "not a result file\n");
    write_file(results / "c_gb.json", R"({"context": {}, "benchmarks": []})");
    const auto r = import_cli(dir, "--repository r --branch b --commit c " + q(results));
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("imported " + (results / "a_hf.json").string() + " (hf-benchmark-v2)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("imported " + (results / "c_gb.json").string() + " (google-benchmark)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("skipped " + (results / "b_notes.txt").string()) != std::string::npos, r.out);
    BOOST_TEST(count(dir / "b.db", "SELECT count(*) FROM imports") == 2);
}

BOOST_AUTO_TEST_CASE(the_library_call_detects_and_forces_formats)
{
    TempDir dir("import");
    BOOST_TEST((detect_format(data_dir / "hf_benchmark_v2.json") == ImportFormat::hf_benchmark_v2));
    write_file(dir / "gb.json", R"({"context": {}, "benchmarks": [{"name": "BM_a", "iterations": 1, "real_time": 1,
                                                                    "cpu_time": 1}]})");
    ImportOptions o;
    o.db_path = dir / "b.db";
    o.format = ImportFormat::pytest_benchmark;  // forced, and wrong: a field of pytest-benchmark's is missing
    BOOST_CHECK_EXCEPTION(import_file(o, dir / "gb.json"), InvalidArgument, [](const InvalidArgument& e) {
        return std::string(e.what()).find("gb.json") != std::string::npos;
    });
    o.format = ImportFormat::google_benchmark;
    o.repository = "r";
    o.branch = "b";
    o.commit_id = "c";
    const auto r = import_file(o, dir / "gb.json");
    BOOST_TEST(r.benchmarks == 1u);
    BOOST_TEST(!r.already_imported);
    BOOST_TEST(import_file(o, dir / "gb.json").already_imported);
}

BOOST_AUTO_TEST_CASE(pytest_benchmark_rows_take_the_time_the_file_states_wherever_it_stands)
{
    TempDir dir("import");
    // The stated time first, and another "datetime" near the end (in extra_info): the rows still get
    // the file's own.
    write_file(dir / "p.json", R"({"datetime": "2026-01-02T03:04:05.5", "commit_info": {"id": "c", "branch": "b", "project": "p"},
        "benchmarks": [{"fullname": "t.py::test_a", "extra_info": {"datetime": "2020-01-01T00:00:00"},
                        "stats": {"data": [1.5, 2.5]}}]})");
    const auto r = import_cli(dir, "--format pytest-benchmark " + q(dir / "p.json"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const auto db = dir / "b.db";
    BOOST_TEST(count(db, "SELECT count(*) FROM model_measurements WHERE time = '2026-01-02T03:04:05.500000'") == 2);
    BOOST_TEST(text(db, "SELECT created_at || ' ' || finished_at FROM benchmarks") ==
               "2026-01-02T03:04:05.500000 2026-01-02T03:04:05.500000");
    BOOST_TEST(text(db, "SELECT time FROM benchmark_status_changes") == "2026-01-02T03:04:05.500000");
}

BOOST_AUTO_TEST_CASE(many_rounds_are_stored_in_order_under_their_benchmark_with_the_time_the_file_states)
{
    TempDir dir("import");
    // Rounds 1..100 of test_a and 101..150 of test_b: more than the import writes in one statement, with
    // a benchmark changing in the middle of one; the stated time first and another one near the end, so
    // that rows already written are restamped.
    std::string a, b, expected;
    for (int i = 1; i <= 150; ++i) {
        (i <= 100 ? a : b) += (i == 1 || i == 101 ? "" : ", ") + std::to_string(i);
        expected += (i == 1 ? "" : ",") + std::to_string(i);
    }
    write_file(dir / "p.json", R"({"datetime": "2026-01-02T03:04:05.5", "commit_info": {"id": "c", "branch": "b", "project": "p"},
        "benchmarks": [{"fullname": "t.py::test_a", "stats": {"data": [)" + a + R"(]}},
                       {"fullname": "t.py::test_b", "extra_info": {"datetime": "2020-01-01T00:00:00"}, "stats": {"data": [)" +
                           b + "]}}]}");
    const auto r = import_cli(dir, "--format pytest-benchmark " + q(dir / "p.json"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("150 model rows") != std::string::npos, r.out);
    const auto db = dir / "b.db";
    BOOST_TEST(text(db, "SELECT group_concat(v) FROM (SELECT json_extract(measurements, '$.time_s') AS v FROM "
                        "model_measurements ORDER BY id)") == expected);
    BOOST_TEST(text(db, "SELECT group_concat(n) FROM (SELECT json_extract(b.metadata, '$.name') || ' ' || count(*) || ' ' || "
                        "min(json_extract(m.measurements, '$.time_s')) AS n FROM model_measurements m JOIN benchmarks b "
                        "ON b.id = m.benchmark_ref GROUP BY b.id ORDER BY b.id)") == "t.py::test_a 100 1,t.py::test_b 50 101");
    BOOST_TEST(count(db, "SELECT count(*) FROM model_measurements WHERE time = '2026-01-02T03:04:05.500000'") == 150);
}

BOOST_AUTO_TEST_CASE(the_recorder_leaves_merged_benchmarks_to_the_store_that_recorded_them)
{
    TempDir dir("import");
    auto recorder = create_global_metrics_recorder("acme/w", "main", "c", "m", dir / "a.db");
    const auto id = recorder.initialise_benchmark({{"name", "x"}});
    recorder.collect_model_measurements(id, {{"t", 1.0}});
    recorder.close();
    ImportOptions o;
    o.db_path = dir / "usb.db";
    BOOST_TEST(import_file(o, dir / "a.db").benchmarks == 1u);
    auto on_usb = create_global_metrics_recorder("acme/w", "main", "c", "m", dir / "usb.db");
    BOOST_CHECK_EXCEPTION(on_usb.collect_model_measurements(id, {{"t", 2.0}}), InvalidArgument,
                          [](const InvalidArgument& e) { return std::string(e.what()).find("merged from another store") != std::string::npos; });
    BOOST_CHECK_THROW(on_usb.set_status(id, BenchmarkStatus::failed, "no"), InvalidArgument);
    BOOST_TEST(count(dir / "usb.db", "SELECT count(*) FROM model_measurements") == 1);
}
