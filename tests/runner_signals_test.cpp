#define BOOST_TEST_MODULE runner_signals
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/runner_cli.hpp"

using namespace benchstore::test::runner;

BOOST_AUTO_TEST_SUITE(runner_signals)

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
    const bool gone = wait_until_gone(grandchild, 2.0);
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

BOOST_AUTO_TEST_CASE(module_and_what_it_forked_die_with_a_runner_killed_by_sigkill)
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
    BOOST_TEST_REQUIRE(grandchild > 0);
    const bool gone = wait_until_gone(module, 5.0);
    BOOST_TEST(gone);  // PR_SET_PDEATHSIG: the module process does not outlive the runner
    // The module's own child, a data-loader worker say, goes too: the group's watchdog kills the group.
    const bool grandchild_gone = wait_until_gone(grandchild, 5.0);
    BOOST_TEST(grandchild_gone);
    if (!gone) kill(-module, SIGKILL);
    if (!grandchild_gone) kill(grandchild, SIGKILL);

    // The next runner on this store finds the dead run's benchmark `running` and its runner gone.
    const Run next = run_runner(dir, with(base_args(dir), {"--only", "ok_module"}));
    BOOST_TEST(next.status == 0);
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("hang_module").status == "failed");
    BOOST_TEST(b.at("hang_module").reason == "runner died");
    BOOST_TEST(b.at("ok_module").status == "completed");
    BOOST_TEST(has_log_line(next.out, "WARNING", "marked 1 benchmark(s) failed (runner died) of 1 earlier run(s) "
                                                 "whose runner is gone: [" + b.at("hang_module").run_id + "]"));
    SQLite::Database db((dir / "b.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM benchmark_status_changes WHERE status_reason = 'runner died'").getInt() == 1);
}

BOOST_AUTO_TEST_CASE(a_live_runners_benchmarks_are_left_running)
{
    TempDir dir("runner");
    const auto pid_file = dir / "grandchild.pid";
    Run second;
    const Run first = run_runner(dir, with(base_args(dir), {"--only", "hang_module"}),
                                 {{"HANG_MODULE_PID_FILE", pid_file.string()}}, [&](pid_t runner) {
                                     wait_for_hang_pids(pid_file);
                                     TempDir other("runner");
                                     auto args = base_args(other);
                                     args[5] = (dir / "b.db").string();  // --db: the first runner's store
                                     second = run_runner(other, with(args, {"--only", "ok_module"}));
                                     kill(runner, SIGINT);
                                 });
    BOOST_TEST(second.status == 0);
    BOOST_TEST(second.out.find("runner died") == std::string::npos);
    // The first runner settled its own benchmark when interrupted, not as "runner died".
    BOOST_TEST(first.status == 1);
    const auto b = benchmarks_by_module(dir / "b.db");
    BOOST_TEST(b.at("hang_module").reason == "interrupted by signal 2 (Interrupt)");
    BOOST_TEST(b.at("ok_module").status == "completed");
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

BOOST_AUTO_TEST_SUITE_END()
