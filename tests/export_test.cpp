#define BOOST_TEST_MODULE export
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "benchstore/export.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/sqlite_migrations.hpp"
#include "export/csv_file.hpp"
#include "core/json.hpp"
#include "store/measurements_json.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::CsvRows;
using benchstore::test::TempDir;
using benchstore::test::golden_benchmark_ids;
using benchstore::test::read_csv;
using benchstore::test::read_file;
using benchstore::test::options_for;
using benchstore::test::run_pandas_check;

namespace {

const std::filesystem::path golden_dir = std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests/golden/export";
const char* const golden_names[] = {"benchmarks.csv", "device_measurements.csv", "model_measurements.csv",
                                    "benchmark_summary.csv"};

std::size_t files_in(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return 0;
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

// Adds a model row of benchmark 1 by hand: one the recorder would refuse, or after other benchmarks' rows.
void add_model_row(const std::filesystem::path& db, const std::string& measurements, const std::string& time)
{
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement insert(raw, "INSERT INTO model_measurements (benchmark_ref, measurements, time) VALUES (1, ?, ?)");
    insert.bind(1, measurements);
    insert.bind(2, time);
    insert.exec();
}

} // namespace

BOOST_AUTO_TEST_SUITE(csv_export)

BOOST_AUTO_TEST_CASE(writes_golden_files_for_hand_made_store)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    const ExportResult r = export_csv(options_for(dir));
    BOOST_TEST(r.benchmarks_csv.filename() == "benchmarks_20260102_030405.csv");
    BOOST_TEST(r.device_measurements_csv.filename() == "device_measurements_20260102_030405.csv");
    BOOST_TEST(r.model_measurements_csv.filename() == "model_measurements_20260102_030405.csv");
    BOOST_TEST(r.summary_csv.filename() == "benchmark_summary_20260102_030405.csv");
    BOOST_TEST(r.benchmark_rows == 5u);
    BOOST_TEST(r.device_measurement_rows == 9u);
    BOOST_TEST(r.model_measurement_rows == 5u);
    BOOST_TEST(r.summary_rows == 6u);  // benchmark 1 has two model rows, benchmark 3 none
    BOOST_TEST(files_in(dir / "out") == 4u);  // no temporary file left behind

    const auto paths = r.paths();
    const bool update = std::getenv("BENCHSTORE_UPDATE_GOLDEN") != nullptr;
    for (std::size_t i = 0; i < 4; ++i) {
        if (update) std::filesystem::copy_file(paths[i], golden_dir / golden_names[i],
                                               std::filesystem::copy_options::overwrite_existing);
        BOOST_TEST(read_file(paths[i]) == read_file(golden_dir / golden_names[i]), "differs from golden " << golden_names[i]);
    }
}

BOOST_AUTO_TEST_CASE(selects_by_repository_branch_commit_status_and_dates)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    int exports = 0;
    auto count = [&](auto&& set) {
        ExportOptions o = options_for(dir, "out" + std::to_string(++exports));  // files are never replaced
        set(o.selection);
        const auto r = export_csv(o);
        return r.benchmark_rows;
    };
    BOOST_TEST(count([](ExportSelection& s) { s.repository = "other/repo"; }) == 1u);
    BOOST_TEST(count([](ExportSelection& s) { s.branch = "main"; }) == 4u);
    BOOST_TEST(count([](ExportSelection& s) { s.commit_id = "c0ffee1"; s.status = "failed"; }) == 1u);
    BOOST_TEST(count([](ExportSelection& s) { s.status = "running"; }) == 1u);
    BOOST_TEST(count([](ExportSelection& s) { s.run_id = "run-1"; }) == 4u);
    BOOST_TEST(count([](ExportSelection& s) { s.until = "2025-07-29"; }) == 4u);  // the whole day
    BOOST_TEST(count([](ExportSelection& s) { s.since = "2025-07-30"; }) == 1u);
    BOOST_TEST(count([](ExportSelection& s) { s.since = "2025-07-29T20:09"; s.until = "2025-07-29T20:10:00.5"; }) == 2u);
    BOOST_TEST(count([](ExportSelection& s) { s.until = "2025-07-29T20:09:00"; }) == 1u);
}

BOOST_AUTO_TEST_CASE(selects_benchmark_ids_with_their_rows_and_metric_columns)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    ExportOptions o = options_for(dir);
    o.selection.benchmark_ids = {golden_benchmark_ids[4], golden_benchmark_ids[1]};
    const auto r = export_csv(o);
    BOOST_TEST(r.benchmark_rows == 2u);
    BOOST_TEST(r.device_measurement_rows == 5u);
    BOOST_TEST(r.model_measurement_rows == 2u);
    const std::vector<std::string> names{"time_to_first_token_secs", "weird, name \"x\"\n", "tokens_per_second",
                                         "model_load_time"};
    BOOST_TEST(r.metric_names == names, boost::test_tools::per_element());
    const CsvRows model = read_csv(r.model_measurements_csv);
    BOOST_TEST(model[0][3] == names[1]);
    BOOST_TEST(model[1][0] == golden_benchmark_ids[1]);  // store order, not the order asked for
    BOOST_TEST(model[1][4].empty());
    BOOST_TEST(run_pandas_check(dir / "b.db", r) == 0);
}

// A store from before the host fingerprint (version 1 or 2) is exported as it is, never migrated:
// host_info is empty, the host name is there.
BOOST_AUTO_TEST_CASE(exports_a_store_older_than_host_info_as_it_is)
{
    TempDir dir;
    {
        SQLite::Database raw((dir / "b.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec(std::string(sqlite_schema::migrations[0]));
        raw.exec(std::string(sqlite_schema::migrations[1]));
        raw.exec("INSERT INTO store_info VALUES ('source_id', '3f0c1a52-0000-4000-8000-000000000001')");
        raw.exec("INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, created_at, host) "
                 "VALUES ('01938f5e-7c2a-7b3d-9f10-3a5c7e9b1d2f', 'r', 'b', 'c', 'm', '2025-07-29T20:08:07.875408', 'h')");
        raw.exec("PRAGMA user_version = 2");
    }
    const auto r = export_csv(options_for(dir));
    BOOST_TEST(read_file(r.benchmarks_csv) ==
               "benchmark_id,repository,branch,commit_id,commit_message,metadata,created_at,host,host_info,status,status_reason\n"
               "01938f5e-7c2a-7b3d-9f10-3a5c7e9b1d2f,r,b,c,m,{},2025-07-29T20:08:07.875408,h,,running,\n");
    BOOST_TEST(SQLite::Database((dir / "b.db").string(), SQLite::OPEN_READONLY).execAndGet("PRAGMA user_version").getInt() == 2);
}

BOOST_AUTO_TEST_CASE(metrics_named_like_fixed_columns_get_unique_headers_that_pandas_reads_back)
{
    TempDir dir;
    auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", dir / "b.db");
    const auto id = rec.initialise_benchmark({{"model", "clash"}});
    rec.collect_device_measurements(id, 10.0, 100.0);
    rec.collect_device_measurements(id, 30.0, 300.0);
    // Names of fixed columns of the model and summary files, and one already in the renamed form.
    rec.collect_model_measurements(id, {{"model.time", 7.0}, {"time", 1.0}, {"benchmark_id", 2.0}, {"repository", 3.0},
                                        {"cpu_util_mean", 4.0}, {"device_measurement_count", 5.0}, {"status", 6.0},
                                        {"latency", 8.0}});
    rec.close();
    const ExportResult r = export_csv(options_for(dir));
    // "model.time" came first and keeps its name; "time" then needs two prefixes.
    const std::vector<std::string> headers{"model.time", "model.model.time", "model.benchmark_id", "model.repository",
                                           "model.cpu_util_mean", "model.device_measurement_count", "model.status",
                                           "latency"};
    BOOST_TEST(r.metric_headers == headers, boost::test_tools::per_element());
    BOOST_TEST(r.metric_names[0] == "model.time");
    // pandas: every column holds what its header says (export_check.py applies the rule itself).
    BOOST_TEST(run_pandas_check(dir / "b.db", r) == 0);
    const CsvRows summary = read_csv(r.summary_csv);
    std::set<std::string> unique(summary[0].begin(), summary[0].end());
    BOOST_TEST(unique.size() == summary[0].size());
    const auto at = [&](const std::string& h) {
        return summary[1][static_cast<std::size_t>(std::find(summary[0].begin(), summary[0].end(), h) - summary[0].begin())];
    };
    BOOST_TEST(at("cpu_util_mean") == "20");  // the statistic, not the metric
    BOOST_TEST(at("model.cpu_util_mean") == "4");
    BOOST_TEST(at("status") == "running");
    BOOST_TEST(at("model.status") == "6");
    BOOST_TEST(at("benchmark_id") == id);
}

BOOST_AUTO_TEST_CASE(a_failed_benchmark_says_so_in_the_benchmarks_and_summary_files)
{
    TempDir dir;
    auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", dir / "b.db");
    const auto ok = rec.initialise_benchmark({{"model", "good"}});
    const auto bad = rec.initialise_benchmark({{"model", "bad"}});
    rec.collect_model_measurements(ok, {{"latency", 1.0}});
    rec.collect_model_measurements(bad, {{"latency", 0.001}});  // looks splendid, and is wrong
    rec.set_status(ok, BenchmarkStatus::completed);
    rec.set_status(bad, BenchmarkStatus::failed, "killed by signal 11 (Segmentation fault), \"early\"");
    rec.close();
    const ExportResult r = export_csv(options_for(dir));
    for (const auto& file : {r.benchmarks_csv, r.summary_csv}) {
        const CsvRows rows = read_csv(file);
        BOOST_TEST_REQUIRE(rows.size() == 3u);
        BOOST_TEST(rows[0][rows[0].size() - 2] == "status");  // last, after every column the seed has
        BOOST_TEST(rows[0].back() == "status_reason");
        BOOST_TEST(rows[1][rows[1].size() - 2] == "completed");
        BOOST_TEST(rows[1].back() == "");
        BOOST_TEST(rows[2][rows[2].size() - 2] == "failed");
        BOOST_TEST(rows[2].back() == "killed by signal 11 (Segmentation fault), \"early\"");
    }
    BOOST_TEST(run_pandas_check(dir / "b.db", r) == 0);
}

BOOST_AUTO_TEST_CASE(empty_selection_writes_headers_only)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    ExportOptions o = options_for(dir);
    o.selection.repository = "nobody/nothing";
    const auto r = export_csv(o);
    BOOST_TEST(r.benchmark_rows + r.device_measurement_rows + r.model_measurement_rows + r.summary_rows == 0u);
    BOOST_TEST(read_file(r.benchmarks_csv) ==
               "benchmark_id,repository,branch,commit_id,commit_message,metadata,created_at,host,host_info,status,"
               "status_reason\n");
    BOOST_TEST(read_file(r.device_measurements_csv) == "benchmark_id,cpu_util,mem_megabytes,gpu_util,gpu_mem_megabytes,time\n");
    BOOST_TEST(read_file(r.model_measurements_csv) == "benchmark_id,time\n");
    BOOST_TEST(read_file(r.summary_csv) ==
               "benchmark_id,repository,branch,commit_id,commit_message,metadata,created_at,cpu_util_mean,cpu_util_max,"
               "cpu_util_std,device_measurement_count,mem_megabytes_mean,mem_megabytes_max,mem_megabytes_std,"
               "gpu_util_mean,gpu_util_max,gpu_util_std,gpu_mem_megabytes_mean,gpu_mem_megabytes_max,gpu_mem_megabytes_std,"
               "status,status_reason\n");
    o.selection = {};
    o.selection.benchmark_ids = std::vector<std::string>{};
    o.output_dir = dir / "out2";
    BOOST_TEST(export_csv(o).benchmark_rows == 0u);
}

BOOST_AUTO_TEST_CASE(never_replaces_an_earlier_export)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    ExportOptions o = options_for(dir);
    o.selection.status = "failed";
    const auto first = export_csv(o);
    const std::string failed_only = read_file(first.benchmarks_csv);
    // The same names again (a fixed time): refused, and the first files are left as they were.
    o.selection.status = "completed";
    BOOST_CHECK_THROW(export_csv(o), OutputError);
    BOOST_TEST(read_file(first.benchmarks_csv) == failed_only);
    BOOST_TEST(files_in(dir / "out") == 4u);
    // Without a fixed time, back-to-back exports get their own names (the next second if need be).
    o.file_time.reset();
    const auto a = export_csv(o);
    const auto b = export_csv(o);
    BOOST_TEST(a.benchmarks_csv != b.benchmarks_csv);
    BOOST_TEST(b.benchmarks_csv.filename().string() > a.benchmarks_csv.filename().string());
    BOOST_TEST(files_in(dir / "out") == 12u);
    BOOST_TEST(read_file(a.benchmarks_csv) == read_file(b.benchmarks_csv));
}

BOOST_AUTO_TEST_CASE(bad_input_throws_and_writes_nothing)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    const std::string before = read_file(dir / "b.db");
    auto throws = [&](auto&& set, auto tag) {
        ExportOptions o = options_for(dir);
        set(o);
        BOOST_CHECK_THROW(export_csv(o), decltype(tag));
        BOOST_TEST(files_in(dir / "out") == 0u);
    };
    throws([](ExportOptions& o) { o.selection.benchmark_ids = {golden_benchmark_ids[0], "0198579a-0000-7000-8000-00000000dead"}; },
           InvalidArgument(""));
    throws([](ExportOptions& o) { o.selection.since = "2025-13-45"; }, InvalidArgument(""));
    throws([](ExportOptions& o) { o.selection.until = "yesterday"; }, InvalidArgument(""));
    throws([](ExportOptions& o) { o.selection.status = "done"; }, InvalidArgument(""));
    throws([&](ExportOptions& o) { o.db_path = dir / "missing.db"; }, StoreError(""));
    { std::ofstream(dir / "file") << "x"; }
    throws([&](ExportOptions& o) { o.output_dir = dir / "file" / "sub"; }, OutputError(""));
    try {
        ExportOptions o = options_for(dir);
        o.selection.benchmark_ids = {"0198579a-0000-7000-8000-00000000dead"};
        export_csv(o);
    } catch (const InvalidArgument& e) {
        BOOST_TEST(std::string(e.what()).find("0198579a-0000-7000-8000-00000000dead") != std::string::npos);
    }
    BOOST_TEST(read_file(dir / "b.db") == before);  // opened read-only, never changed
}

BOOST_AUTO_TEST_CASE(recorder_export_equals_export_csv_of_its_benchmarks)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");  // benchmarks of another recorder, left out
    auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "Recorder, \"export\"", dir / "b.db");
    const auto a = rec.initialise_benchmark({{"model", "a"}});
    const auto b = rec.initialise_benchmark({{"model", "b"}});
    rec.collect_device_measurements(a, 12.5, 100, 1, 2);
    rec.collect_device_measurements(a, 13.5, 101);
    rec.collect_model_measurements(b, {{"load", 0.25}, {"tps", 1e300}});
    const auto paths = rec.export_to_csv(dir / "rec");
    BOOST_REQUIRE_EQUAL(paths.size(), 4u);

    ExportOptions o = options_for(dir);
    o.selection.benchmark_ids = rec.benchmark_ids();
    const auto r = export_csv(o);
    BOOST_TEST(r.benchmark_rows == 2u);
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST(paths[i].filename().string().substr(0, 10) == r.paths()[i].filename().string().substr(0, 10));
        BOOST_TEST(read_file(paths[i]) == read_file(r.paths()[i]));
    }
}

BOOST_AUTO_TEST_CASE(reads_one_snapshot_while_a_benchmark_writes)
{
    TempDir dir;
    auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", dir / "b.db");
    const auto id = rec.initialise_benchmark({{"model", "busy"}});
    std::vector<DeviceSample> batch(2000, DeviceSample{1.5, 2.5, 3.5, std::nullopt, std::nullopt});
    rec.collect_device_measurements(id, batch);
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        while (!stop) rec.collect_device_measurements(id, batch);
    });
    std::vector<std::uint64_t> counts;
    try {
        for (int i = 0; i < 5; ++i) {
            ExportOptions o = options_for(dir, "out" + std::to_string(i));
            const auto r = export_csv(o);
            const CsvRows summary = read_csv(r.summary_csv);
            BOOST_TEST(summary.at(1).at(10) == std::to_string(r.device_measurement_rows));  // count column
            BOOST_TEST(r.device_measurement_rows % 2000 == 0u);  // whole batches only
            counts.push_back(r.device_measurement_rows);
        }
    } catch (...) {
        stop = true;
        writer.join();
        throw;
    }
    stop = true;
    writer.join();
    BOOST_TEST(counts.back() > counts.front());  // the writer did write meanwhile
}

BOOST_AUTO_TEST_CASE(unpublished_file_leaves_nothing_behind)
{
    TempDir dir;
    {
        export_::CsvFile f(dir / "x.csv");
        f.text("a,b");
        f.end_row();
        f.sync();
        BOOST_TEST(files_in(dir.path()) == 1u);  // only the hidden temporary
        BOOST_TEST(!std::filesystem::exists(dir / "x.csv"));
    }
    BOOST_TEST(files_in(dir.path()) == 0u);
    export_::CsvFile f(dir / "y.csv");
    f.text("say \"hi\", twice\r\n");
    f.number(0.1);
    f.number(1e21);
    f.empty();
    f.integer(-7);
    f.end_row();
    f.sync();
    f.publish();
    BOOST_TEST(read_file(dir / "y.csv") == "\"say \"\"hi\"\", twice\r\n\",0.1,1e+21,,-7\n");
}

BOOST_AUTO_TEST_CASE(reads_measurement_json_exactly)
{
    std::vector<store::MeasurementField> f;
    BOOST_TEST(store::parse_measurements(R"( { "a\u00e9\ud83d\ude00\"" : 1E5 , "b":-0.0,"c":0.1e-3,"d":123456789012345678901234567890} )", f));
    BOOST_REQUIRE_EQUAL(f.size(), 4u);
    BOOST_TEST(f[0].name == "a\u00e9\U0001F600\"");
    BOOST_TEST(json::shortest_number(f[0].value) == "1e+05");
    BOOST_TEST(json::shortest_number(f[1].value) == "-0");
    BOOST_TEST(json::shortest_number(f[2].value) == "1e-04");  // shortest text, as std::to_chars writes it
    BOOST_TEST(json::shortest_number(f[3].value) == "1.2345678901234568e+29");
    // As the recorder writes them: integral values without a fraction, and -0.0 as "-0".
    BOOST_TEST(store::parse_measurements(R"({"n":100,"z":-0,"m":-7,"u":18446744073709551615})", f));
    BOOST_REQUIRE_EQUAL(f.size(), 4u);
    BOOST_TEST(json::shortest_number(f[0].value) == "100");
    BOOST_TEST(json::shortest_number(f[1].value) == "-0");
    BOOST_TEST(std::signbit(f[1].value));
    BOOST_TEST(json::shortest_number(f[2].value) == "-7");
    BOOST_TEST(json::shortest_number(f[3].value) == "18446744073709551616");  // the nearest double, shortest text
    // One vector reused across rows of different shapes holds only the last row's fields.
    BOOST_TEST(store::parse_measurements(R"({"x":1.5})", f));
    BOOST_REQUIRE_EQUAL(f.size(), 1u);
    BOOST_TEST(f[0].name == "x");
    BOOST_TEST(json::shortest_number(f[0].value) == "1.5");
    BOOST_TEST(store::parse_measurements("{}", f));
    BOOST_TEST(f.empty());
    for (const char* bad : {"", "[]", "{\"a\":\"1\"}", "{\"a\":NaN}", "{\"a\":1e999}", "{\"a\":1,}", "{\"a\":1} x",
                            "{\"a\":01}", "{\"a\":.5}", "{\"\\ud800\":1}", "{\"a\":true}", "{\"a\":{}}", "{\"a\":[1]}",
                            "{\"a\":null}", "5", "\"a\"", "{\"a\xff\":1}"}) {
        BOOST_TEST(!store::parse_measurements(bad, f), bad);
        BOOST_TEST(f.empty(), bad);
    }
}

// Each model row is parsed once and its cells spooled for the model file and the summary; the summary
// lists rows by benchmark, so when a benchmark's rows interleave with another's it must still give each
// row its own numbers, and a metric first seen in the last row is an empty cell in every earlier one.
BOOST_AUTO_TEST_CASE(summary_gives_each_model_row_its_numbers_when_benchmarks_interleave)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    add_model_row(dir / "b.db", R"({"late_metric":42,"model_load_time":9.5})", "2025-07-30T00:00:04.000000");
    const ExportResult r = export_csv(options_for(dir));
    BOOST_TEST(r.metric_names.back() == "late_metric");
    const CsvRows model = read_csv(r.model_measurements_csv);
    const CsvRows summary = read_csv(r.summary_csv);
    BOOST_REQUIRE_EQUAL(model.size(), 7u);    // header + 6 rows
    BOOST_REQUIRE_EQUAL(summary.size(), 8u);  // header + 7 rows (benchmark 1: three, 3: none)
    const std::size_t model_late = model[0].size() - 1, model_load = 2;
    BOOST_TEST(model[0][model_late] == "late_metric");
    BOOST_TEST(model[6][model_late] == "42");
    BOOST_TEST(model[6][model_load] == "9.5");
    for (std::size_t row = 1; row < 6; ++row) BOOST_TEST(model[row][model_late].empty(), row);
    // The summary's metric columns follow its benchmark columns; its third row is the model file's last.
    const std::size_t summary_load = 7;
    BOOST_TEST(summary[0][summary_load] == "model_load_time");
    BOOST_TEST(summary[0][summary_load + model_late - model_load] == "late_metric");
    const std::size_t summary_of_model_row[] = {0, 1, 2, 4, 6, 7, 3};
    for (std::size_t row = 1; row < 7; ++row)
        for (std::size_t c = model_load; c <= model_late; ++c)
            BOOST_TEST(summary[summary_of_model_row[row]][summary_load + c - model_load] == model[row][c],
                       "model row " << row << " column " << model[0][c]);
    BOOST_TEST(run_pandas_check(dir / "b.db", r) == 0);
}

BOOST_AUTO_TEST_CASE(malformed_measurements_are_a_store_error_naming_the_row)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    add_model_row(dir / "b.db", R"({"a":"text"})", "2025-07-29T20:08:09.000000");
    try {
        export_csv(options_for(dir));
        BOOST_FAIL("expected a throw");
    } catch (const StoreError& e) {
        BOOST_TEST(std::string(e.what()).find("model_measurements row 6") != std::string::npos, e.what());
    }
    BOOST_TEST(files_in(dir / "out") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
