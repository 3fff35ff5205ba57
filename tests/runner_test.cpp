#define BOOST_TEST_MODULE runner
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "support/temp_dir.hpp"

using benchstore::test::TempDir;
namespace fs = std::filesystem;

namespace {

const fs::path modules_dir = RUNNER_TEST_MODULES_DIR;

struct Run {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
    double seconds = 0;
};

std::string slurp(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs the real benchstore-run with args in dir, with extra environment variables.
// while_running, if given, is called with the runner's pid once it has started. before_exec, if given,
// runs in the forked child just before execv (standard output and error already redirected).
Run run_runner(const TempDir& dir, const std::vector<std::string>& args,
               const std::vector<std::pair<std::string, std::string>>& env = {},
               const std::function<void(pid_t)>& while_running = {},
               const std::function<void()>& before_exec = {})
{
    const auto out_path = dir / "stdout.txt";
    const auto err_path = dir / "stderr.txt";
    std::vector<std::string> all{RUNNER_EXE};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        if (chdir(dir.path().c_str()) != 0) _exit(126);
        const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(err, 2);
        if (before_exec) before_exec();
        execv(argv[0], argv.data());
        _exit(127);
    }
    if (while_running) while_running(pid);
    int status = 0;
    waitpid(pid, &status, 0);
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    BOOST_TEST_MESSAGE("benchstore-run exit " << r.status << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
}

std::vector<std::string> base_args(const TempDir& dir)
{
    return {"acme/widgets", "main", "abc123", "Fix things", "--db", (dir / "b.db").string(),
            "--benches", modules_dir.string()};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more)
{
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

struct Benchmark {
    std::string benchmark_id, module, status, reason, metadata, run_id, commit_id;
    long long device_rows = 0, model_rows = 0;
};

std::map<std::string, Benchmark> benchmarks_by_module(const fs::path& db_path)
{
    SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement st(db,
        "SELECT benchmark_id, module, status, coalesce(status_reason, ''), metadata, run_id, commit_id, "
        "(SELECT count(*) FROM device_measurements d WHERE d.benchmark_ref = b.id), "
        "(SELECT count(*) FROM model_measurements m WHERE m.benchmark_ref = b.id) FROM benchmarks b ORDER BY id");
    std::map<std::string, Benchmark> out;
    while (st.executeStep()) {
        Benchmark b{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                    st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
                    st.getColumn(6).getString(), st.getColumn(7).getInt64(), st.getColumn(8).getInt64()};
        BOOST_TEST_REQUIRE(out.count(b.module) == 0u);
        out[b.module] = b;
    }
    return out;
}

bool has_log_line(const std::string& out, const std::string& level, const std::string& message)
{
    const std::regex line("^\\[" + level + " - \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\\] (.*)$");
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (std::regex_match(l, m, line) && m[1] == message) return true;
    }
    return false;
}

bool process_gone(pid_t pid)
{
    // Gone, or a zombie waiting for a reaper that is not ours to be.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return true;
    const auto close = text.rfind(')');
    return close != std::string::npos && text.size() > close + 2 && text[close + 2] == 'Z';
}

bool wait_until_gone(pid_t pid, double seconds)
{
    for (int i = 0; i < seconds * 50; ++i) {
        if (process_gone(pid)) return true;
        usleep(20'000);
    }
    return process_gone(pid);
}

// hang_module's pid file: the grandchild it forked, then the module process itself. Waits for both.
std::pair<pid_t, pid_t> wait_for_hang_pids(const fs::path& pid_file)
{
    pid_t grandchild = 0, module = 0;
    for (int i = 0; i < 500 && module <= 0; ++i) {
        std::ifstream in(pid_file);
        if (!(in >> grandchild >> module)) module = 0, usleep(10'000);
    }
    return {grandchild, module};
}

} // namespace

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
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = process_gone(grandchild);
        if (!gone) usleep(20'000);
    }
    BOOST_TEST(gone);
    if (!gone) kill(grandchild, SIGKILL);
}

BOOST_AUTO_TEST_CASE(interrupt_kills_the_running_module_and_skips_the_rest)
{
    TempDir dir("runner");
    const auto pid_file = dir / "grandchild.pid";
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "hang_module,ok_module"}),
                             {{"HANG_MODULE_PID_FILE", pid_file.string()}}, [&](pid_t runner) {
                                 for (int i = 0; i < 500 && !fs::exists(pid_file); ++i) usleep(10'000);
                                 usleep(100'000);
                                 kill(runner, SIGINT);
                             });
    BOOST_TEST(r.status == 1);
    BOOST_TEST(has_log_line(r.out, "ERROR", "error running benchmarks for hang_module: interrupted by signal 2 (Interrupt)"));
    BOOST_TEST(has_log_line(r.out, "WARNING", "run interrupted: remaining modules skipped"));
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("hang_module").status == "failed");
    BOOST_TEST(b.count("ok_module") == 0u);
    pid_t grandchild = 0;
    std::ifstream(pid_file) >> grandchild;
    BOOST_TEST_REQUIRE(grandchild > 0);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = process_gone(grandchild);
        if (!gone) usleep(20'000);
    }
    BOOST_TEST(gone);
    if (!gone) kill(grandchild, SIGKILL);
}

BOOST_AUTO_TEST_CASE(hangup_or_quit_kills_the_running_module_and_skips_the_rest)
{
    for (const auto& [sig, reason] : {std::pair{SIGHUP, std::string("interrupted by signal 1 (Hangup)")},
                                      std::pair{SIGQUIT, std::string("interrupted by signal 3 (Quit)")}}) {
        BOOST_TEST_CONTEXT("signal " << sig)
        {
            TempDir dir("runner");
            const auto pid_file = dir / "grandchild.pid";
            std::pair<pid_t, pid_t> pids{0, 0};
            const Run r = run_runner(dir, with(base_args(dir), {"--only", "hang_module,ok_module"}),
                                     {{"HANG_MODULE_PID_FILE", pid_file.string()}}, [&](pid_t runner) {
                                         pids = wait_for_hang_pids(pid_file);
                                         kill(runner, sig);
                                     });
            BOOST_TEST(r.status == 1);
            BOOST_TEST(has_log_line(r.out, "ERROR", "error running benchmarks for hang_module: " + reason));
            BOOST_TEST(has_log_line(r.out, "WARNING", "run interrupted: remaining modules skipped"));
            const auto b = benchmarks_by_module(dir / "b.db");
            BOOST_TEST(b.at("hang_module").status == "failed");
            BOOST_TEST(b.at("hang_module").reason == reason);
            BOOST_TEST(b.count("ok_module") == 0u);
            const auto [grandchild, module] = pids;
            BOOST_TEST_REQUIRE(grandchild > 0);
            BOOST_TEST_REQUIRE(module > 0);
            // The runner waited for its child and killed the group before exiting: nothing left.
            BOOST_TEST(process_gone(module));
            const bool gone = wait_until_gone(grandchild, 2.0);
            BOOST_TEST(gone);
            if (!gone) kill(grandchild, SIGKILL);
        }
    }
}

BOOST_AUTO_TEST_CASE(module_dies_with_a_runner_killed_by_sigkill)
{
    TempDir dir("runner");
    const auto pid_file = dir / "grandchild.pid";
    std::pair<pid_t, pid_t> pids{0, 0};
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "hang_module,ok_module"}),
                             {{"HANG_MODULE_PID_FILE", pid_file.string()}}, [&](pid_t runner) {
                                 pids = wait_for_hang_pids(pid_file);
                                 kill(runner, SIGKILL);
                             });
    BOOST_TEST(r.status == 128 + SIGKILL);
    const auto [grandchild, module] = pids;
    BOOST_TEST_REQUIRE(module > 0);
    const bool gone = wait_until_gone(module, 2.0);
    BOOST_TEST(gone);  // PR_SET_PDEATHSIG: the module process does not outlive the runner
    if (!gone) kill(-module, SIGKILL);
    // What the module itself forked is not covered by the parent-death signal: clean it up here.
    if (grandchild > 0) kill(grandchild, SIGKILL);
}

BOOST_AUTO_TEST_CASE(runs_when_started_with_sigchld_ignored)
{
    TempDir dir("runner");
    // As from a Python program that set SIGCHLD to SIG_IGN: the disposition survives execve.
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "throw_module,ok_module"}), {}, {},
                             [] { signal(SIGCHLD, SIG_IGN); });
    BOOST_TEST(r.status == 1);  // throw_module failed, as it should; the run itself did not abort
    BOOST_TEST(r.err.empty());
    BOOST_TEST(has_log_line(r.out, "INFO", "Benchmark run completed. Successful: 1, Failed: 1"));
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("ok_module").status == "completed");
    BOOST_TEST(b.at("throw_module").reason == "threw: boom from throw_module");

    const Run ok = run_runner(dir, with(base_args(dir), {"--only", "ok_module"}), {}, {},
                              [] { signal(SIGCHLD, SIG_IGN); });
    BOOST_TEST(ok.status == 0);
}

BOOST_AUTO_TEST_CASE(stdout_a_closed_pipe_does_not_stop_the_run)
{
    TempDir dir("runner");
    const auto benches = dir / "benches";
    fs::create_directory(benches);
    for (const char* name : {"a_ok.so", "b_ok.so", "c_ok.so"}) fs::copy_file(modules_dir / "ok_module.so", benches / name);
    // As `benchstore-run ... | head -n 0`: standard output is a pipe nobody reads any more.
    const Run r = run_runner(dir, {"acme/widgets", "main", "abc123", "m", "--db", (dir / "b.db").string(),
                                   "--benches", benches.string()},
                             {}, {}, [] {
                                 int p[2];
                                 if (pipe(p) != 0) _exit(125);
                                 close(p[0]);
                                 dup2(p[1], 1);
                                 close(p[1]);
                             });
    BOOST_TEST(r.status == 0);  // not 141 (SIGPIPE): the lost log is not a failed run
    BOOST_TEST(r.err.empty());
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST_REQUIRE(b.size() == 3u);
    for (const char* name : {"a_ok", "b_ok", "c_ok"}) {
        BOOST_TEST(b.at(name).status == "completed", name);
        BOOST_TEST(b.at(name).model_rows == 1, name);
    }
}

BOOST_AUTO_TEST_CASE(a_forked_copy_returning_does_not_speak_for_the_module)
{
    TempDir dir("runner");
    const Run r = run_runner(dir, with(base_args(dir), {"--only", "fork_module"}));
    BOOST_TEST(r.status == 1);
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("fork_module").status == "failed");
    BOOST_TEST(b.at("fork_module").reason == "threw: boom from fork_module");
    BOOST_TEST(b.at("fork_module").metadata == R"({"test":"fork"})");
}

BOOST_AUTO_TEST_CASE(timeout_is_0_or_from_a_millisecond_to_a_year)
{
    TempDir dir("runner");
    for (const char* bad : {"0.0004", "0.0009", "31536000.5", "1e300", "inf", "nan", "-0.5"}) {
        BOOST_TEST_CONTEXT("--timeout " << bad)
        {
            const Run r = run_runner(dir, with(base_args(dir), {"--only", "ok_module", "--timeout", bad}));
            BOOST_TEST(r.status == 2);
            BOOST_TEST(r.err.rfind("benchstore-run: error: ", 0) == 0);
        }
    }
    const Run err = run_runner(dir, with(base_args(dir), {"--timeout", "0.0004"}));
    BOOST_TEST(err.err.find("--timeout must be 0 (no limit) or from 0.001 to 31536000 seconds") != std::string::npos);
    BOOST_TEST(!fs::exists(dir / "b.db"));
    for (const char* good : {"0", "31536000"}) {
        BOOST_TEST_CONTEXT("--timeout " << good)
        {
            const Run r = run_runner(dir, with(base_args(dir), {"--only", "ok_module", "--timeout", good}));
            BOOST_TEST(r.status == 0);
        }
    }
    const Run shortest = run_runner(dir, with(base_args(dir), {"--only", "hang_module", "--timeout", "0.001"}));
    BOOST_TEST(shortest.status == 1);
    BOOST_TEST(has_log_line(shortest.out, "ERROR", "error running benchmarks for hang_module: timed out after 0.001 s"));
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

BOOST_AUTO_TEST_SUITE_END()
