#define BOOST_TEST_MODULE runner
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/damaged_store.hpp"
#include "support/runner_cli.hpp"

using namespace benchstore::test::runner;

BOOST_AUTO_TEST_SUITE(runner_cli)

BOOST_AUTO_TEST_CASE(returning_module_is_completed_and_exit_is_zero)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "ok_module"}));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(has_log_line(r.out, "INFO", "running benchmarks in: ok_module"));
    BOOST_TEST(has_log_line(r.out, "INFO", "ok_module ran for acme/widgets"));
    BOOST_TEST(has_log_line(r.out, "INFO", "Benchmark run completed. Successful: 1, Failed: 0"));
    BOOST_TEST(r.out.find("Results are in " + (dir / "b.db").string()) != std::string::npos);
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST_REQUIRE(b.size() == 1u);
    const auto& ok = b.at("ok_module");
    BOOST_TEST(ok.status == "completed");
    BOOST_TEST(ok.commit_id == "abc123");
    BOOST_TEST(ok.model_rows == 1);
    BOOST_TEST(!ok.run_id.empty());
}

BOOST_AUTO_TEST_CASE(throwing_module_is_failed_and_the_others_still_run)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "throw_module,ok_module"}));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(has_log_line(r.out, "ERROR", "error running benchmarks for throw_module: threw: boom from throw_module"));
    BOOST_TEST(has_log_line(r.out, "INFO", "Benchmark run completed. Successful: 1, Failed: 1"));
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("throw_module").status == "failed");
    BOOST_TEST(b.at("throw_module").reason == "threw: boom from throw_module");
    BOOST_TEST(b.at("throw_module").metadata == R"({"test":"throw"})");  // its own benchmark, not a new one
    BOOST_TEST(b.at("ok_module").status == "completed");
    BOOST_TEST(b.at("ok_module").run_id == b.at("throw_module").run_id);
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM benchmark_status_changes WHERE status = 'failed' "
                             "AND status_reason = 'threw: boom from throw_module'").getInt() == 1);
}

BOOST_AUTO_TEST_CASE(segfaulting_module_leaves_a_failed_benchmark)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "segv_module", "--only", "ok_module"}));
    BOOST_TEST(r.status == 1);
    const std::string reason = "killed by signal 11 (Segmentation fault)";
    BOOST_TEST(has_log_line(r.out, "ERROR", "error running benchmarks for segv_module: " + reason));
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("segv_module").status == "failed");
    BOOST_TEST(b.at("segv_module").reason == reason);
    BOOST_TEST(b.at("segv_module").metadata == R"({"module":"segv_module"})");
    BOOST_TEST(b.at("ok_module").status == "completed");
}

BOOST_AUTO_TEST_CASE(aborting_module_is_failed_and_keeps_its_device_rows)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "abort_module,ok_module"}));
    BOOST_TEST(r.status == 1);
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("abort_module").status == "failed");
    BOOST_TEST(b.at("abort_module").reason == "killed by signal 6 (Aborted)");
    BOOST_TEST(b.at("abort_module").device_rows >= 2);  // sampled every 20 ms for 150 ms before the abort
    BOOST_TEST(b.at("ok_module").status == "completed");
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

BOOST_AUTO_TEST_CASE(hanging_module_is_killed_at_the_timeout_with_its_process_group)
{
    TempDir dir("runner");
    const auto pid_file = dir / "grandchild.pid";
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "hang_module,ok_module", "--timeout", "1"}),
                             {{"HANG_MODULE_PID_FILE", pid_file.string()}});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.seconds < 10.0);
    BOOST_TEST(has_log_line(r.out, "ERROR", "error running benchmarks for hang_module: timed out after 1 s"));
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("hang_module").status == "failed");
    BOOST_TEST(b.at("hang_module").reason == "timed out after 1 s");
    BOOST_TEST(b.at("hang_module").device_rows >= 5);
    BOOST_TEST(b.at("ok_module").status == "completed");
    pid_t grandchild = 0;
    std::ifstream(pid_file) >> grandchild;
    BOOST_TEST_REQUIRE(grandchild > 0);
    const bool gone = wait_until_gone(grandchild, 2.0);
    BOOST_TEST(gone);
    if (!gone) kill(grandchild, SIGKILL);
}

BOOST_AUTO_TEST_CASE(benchmark_a_module_marks_failed_stays_failed_and_exit_is_1)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "self_fail_module"}));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(has_log_line(r.out, "INFO", "Benchmark run completed. Successful: 1, Failed: 0"));
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(db.execAndGet("SELECT status || ':' || coalesce(status_reason, '') FROM benchmarks "
                             "WHERE metadata = '{\"case\":\"bad\"}'").getString() == "failed:result out of range");
    BOOST_TEST(db.execAndGet("SELECT status FROM benchmarks WHERE metadata = '{\"case\":\"good\"}'").getString() == "completed");
}

BOOST_AUTO_TEST_CASE(unloadable_modules_are_recorded_as_failed)
{
    TempDir dir("runner");
    const auto benches = dir / "benches";
    fs::create_directory(benches);
    fs::copy_file(modules_dir / "ok_module.so", benches / "ok_module.so");
    fs::copy_file(modules_dir / "no_entry_module.so", benches / "no_entry_module.so");
    std::ofstream(benches / "broken.so") << "not an ELF file\n";
    std::ofstream(benches / "README.txt") << "not a module\n";
    const Run r = run_runner(dir, {"acme/widgets", "main", "abc123", "Fix things", "--benches", benches.string()});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(has_log_line(r.out, "INFO", "Discovered 3 benchmark(s): [broken, no_entry_module, ok_module]"));
    const auto b = benchmarks_by_module(dir / "benchmarks.db");  // the default --db, in the working folder
    BOOST_TEST_REQUIRE(b.size() == 3u);
    BOOST_TEST(b.at("broken").status == "failed");
    BOOST_TEST(b.at("broken").reason.rfind("failed to load: ", 0) == 0);
    BOOST_TEST(b.at("broken").metadata == R"({"module":"broken"})");
    BOOST_TEST(b.at("no_entry_module").reason.find("no run_benchmark function exported") != std::string::npos);
    BOOST_TEST(b.at("ok_module").status == "completed");
}

BOOST_AUTO_TEST_CASE(module_built_for_another_interface_is_refused)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "stale_abi_module"}));
    BOOST_TEST(r.status == 1);
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("stale_abi_module").status == "failed");
    BOOST_TEST(b.at("stale_abi_module").metadata == R"({"module":"stale_abi_module"})");  // run_benchmark never ran
    BOOST_TEST(b.at("stale_abi_module").reason.find("built for module interface 999") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(store_from_a_newer_benchstore_is_refused_before_any_module_runs)
{
    TempDir dir("runner");
    {
        SQLite::Database raw((dir / "b.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("PRAGMA user_version = 99");
    }
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "ok_module"}));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.rfind("benchstore-run: error: ", 0) == 0);
    BOOST_TEST(r.err.find("newer benchstore") != std::string::npos);
    BOOST_TEST(r.out.find("running benchmarks in") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_usage_exits_2_with_a_one_line_error)
{
    TempDir dir("runner");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {},
             {"acme/widgets", "main", "abc123"},
             with(base_args(dir), {"--timeout", "-1"}),
             with(base_args(dir), {"--timeout", "soon"}),
             with(base_args(dir), {"--no-such-flag"})}) {
        const Run r = run_runner(dir, args);
        BOOST_TEST(r.status == 2);
        BOOST_TEST(r.err.rfind("benchstore-run: error: ", 0) == 0);
        BOOST_TEST(r.err.find("usage: benchstore-run REPOSITORY BRANCH COMMIT_ID COMMIT_MSG") != std::string::npos);
    }
    BOOST_TEST(!fs::exists(dir / "b.db"));
}

BOOST_AUTO_TEST_CASE(unknown_module_or_folder_is_an_error)
{
    TempDir dir("runner");
    Run r = run_runner(dir, with(base_args(dir), {"--only", "nope"}));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.rfind("benchstore-run: error: no module named 'nope' in ", 0) == 0);
    r = run_runner(dir, {"acme/widgets", "main", "abc123", "m", "--benches", (dir / "missing").string()});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("benchstore-run: error: benches folder") == 0);
}

BOOST_AUTO_TEST_CASE(bundled_modules_run_from_the_default_folder)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, {"acme/widgets", "main", "abc123", "Fix things"},
                             {{"BENCHSTORE_MOCK_SECONDS", "0.6"}, {"BENCHSTORE_MATMUL_N", "160"},
                              {"BENCHSTORE_SORT_N", "300000"}});
    BOOST_TEST(r.status == 0);
    const auto b = benchmarks_by_module(dir / "benchmarks.db");
    for (const char* name : {"mock_benchmark", "matmul_benchmark", "sort_benchmark"}) {
        BOOST_TEST_CONTEXT(name)
        {
            BOOST_TEST_REQUIRE(b.count(name) == 1u);
            BOOST_TEST(b.at(name).status == "completed");
            BOOST_TEST(b.at(name).model_rows == 1);
        }
    }
    BOOST_TEST(b.at("mock_benchmark").device_rows >= 3);
    SQLite::Database db((dir / "benchmarks.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement keys(db, "SELECT count(*) FROM model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref, "
                               "json_each(m.measurements) WHERE b.module = 'mock_benchmark'");
    keys.executeStep();
    BOOST_TEST(keys.getColumn(0).getInt() == 13);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM device_measurements WHERE cpu_util IS NULL OR mem_megabytes <= 0").getInt() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// The one file in folder whose name starts with prefix followed by the timestamp.
std::string read_export_file(const fs::path& folder, const std::string& prefix)
{
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().filename().string().rfind(prefix + "_2", 0) == 0) found.push_back(e.path());
    BOOST_TEST_REQUIRE(found.size() == 1u, "expected one " << prefix << " file in " << folder);
    return slurp(found[0]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(runner_csv)

BOOST_AUTO_TEST_CASE(csv_flag_writes_the_same_files_as_benchstore_export)
{
    TempDir dir;
    auto args = base_args(dir);
    args[3] = "Fix, \"quoted\" things";  // a commit message with a comma stays one argument
    const Run r = run_runner(dir, with(args, {"--only", "ok_module", "--csv", "--csv-output-dir", (dir / "csv").string()}));
    BOOST_TEST_REQUIRE(r.status == 0);
    BOOST_TEST(r.out.find("csv: " + (dir / "csv").string() + "/benchmarks_") != std::string::npos);

    const std::string exporter = std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-export";
    const std::string command = exporter + " --db " + (dir / "b.db").string() + " --out " + (dir / "exp").string() + " > /dev/null";
    BOOST_TEST_REQUIRE(std::system(command.c_str()) == 0);
    for (const char* prefix : {"benchmarks", "device_measurements", "model_measurements", "benchmark_summary"})
        BOOST_TEST(read_export_file(dir / "csv", prefix) == read_export_file(dir / "exp", prefix), prefix);
    const std::string benchmarks = read_export_file(dir / "csv", "benchmarks");
    BOOST_TEST(benchmarks.find(",\"Fix, \"\"quoted\"\" things\",") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(csv_output_dir_without_csv_is_a_usage_error)
{
    TempDir dir;
    const Run r = run_runner(dir, with(base_args(dir), {"--csv-output-dir", "x"}));
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find("benchstore-run: error: --csv-output-dir needs --csv") == 0u);
    BOOST_TEST(!fs::exists(dir / "b.db"));
}

// --repeat N: each module runs N times, round the modules, in fresh processes; a failure in a later
// repetition is recorded for that repetition, not hidden by an earlier success.
BOOST_AUTO_TEST_CASE(repeat_runs_every_module_n_times_in_fresh_processes)
{
    TempDir dir("runner");
    const auto benches = dir / "benches";
    fs::create_directory(benches);
    fs::copy_file(modules_dir / "ok_module.so", benches / "a_ok.so");
    fs::copy_file(modules_dir / "no_entry_module.so", benches / "b_bad.so");
    const Run r = run_runner(dir, {"acme/widgets", "main", "abc123", "msg", "--db", (dir / "b.db").string(),
                                   "--benches", benches.string(), "--repeat", "3"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(has_log_line(r.out, "INFO", "running benchmarks in: a_ok (repetition 3 of 3)"));
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(db.execAndGet("SELECT count(DISTINCT run_id) FROM benchmarks").getInt() == 1);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM benchmarks WHERE module = 'a_ok' AND status = 'completed'").getInt() == 3);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM benchmarks WHERE module = 'b_bad' AND status = 'failed'").getInt() == 3);
    // Round the modules: a_ok, b_bad, a_ok, b_bad, ...
    BOOST_TEST(db.execAndGet("SELECT group_concat(module, ' ') FROM (SELECT module FROM benchmarks ORDER BY id)")
                   .getString() == "a_ok b_bad a_ok b_bad a_ok b_bad");
    for (const char* bad : {"0", "-1", "x", "10001"}) {
        const Run u = run_runner(dir, with(base_args(dir), {"--repeat", bad}));
        BOOST_TEST(u.status == 2, bad);
        BOOST_TEST(u.err.find("--repeat must be a whole number") != std::string::npos, bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(runner_store_checks)

BOOST_AUTO_TEST_CASE(a_store_with_a_damaged_page_is_refused_before_any_module_runs)
{
    TempDir dir("runner");
    benchstore::test::make_store_with_rows(dir / "b.db", 3000);
    benchstore::test::damage_a_leaf_page(dir / "b.db", "device_measurements");
    const auto size_before = fs::file_size(dir / "b.db");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "ok_module"}));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("benchstore-run: error: " + (dir / "b.db").string() + ": the store is damaged (PRAGMA quick_check: ") == 0u);
    BOOST_TEST(r.out.find("ok_module ran") == std::string::npos);
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM benchmarks").getInt() == 1);  // nothing recorded
    BOOST_TEST(fs::file_size(dir / "b.db") == size_before);
}

BOOST_AUTO_TEST_SUITE_END()
