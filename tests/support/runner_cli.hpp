#pragma once
// Black-box helpers for the runner tests: run the real benchstore-run on the test modules (built into
// RUNNER_TEST_MODULES_DIR by tests/runner_modules.cmake) and read back what it left in the store.
// Header-only: each runner test executable gets RUNNER_EXE and RUNNER_TEST_MODULES_DIR from CMake.
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

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace benchstore::test::runner {

using benchstore::test::ChildOptions;
using benchstore::test::Redirect;
using benchstore::test::TempDir;
using benchstore::test::spawn_child;
using benchstore::test::wait_child;
namespace fs = std::filesystem;

inline const fs::path modules_dir = RUNNER_TEST_MODULES_DIR;

struct Run {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
    double seconds = 0;
};

inline std::string slurp(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs the real benchstore-run with args in dir, with extra environment variables.
// while_running, if given, is called with the runner's pid once it has started. before_exec, if given,
// runs in the forked child just before execv (standard output and error already redirected).
inline Run run_runner(const TempDir& dir, const std::vector<std::string>& args,
               const std::vector<std::pair<std::string, std::string>>& env = {},
               const std::function<void(pid_t)>& while_running = {},
               const std::function<void()>& before_exec = {})
{
    const auto out_path = dir / "stdout.txt";
    const auto err_path = dir / "stderr.txt";
    std::vector<std::string> all{RUNNER_EXE};
    all.insert(all.end(), args.begin(), args.end());
    ChildOptions options;
    options.out = Redirect::file(out_path);
    options.err = Redirect::file(err_path);
    options.env = env;
    options.cwd = dir.path();
    options.before_exec = before_exec;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = spawn_child(all, options);
    if (while_running) while_running(pid);
    const int status = wait_child(pid);
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.status = status;
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    BOOST_TEST_MESSAGE("benchstore-run exit " << r.status << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
}

inline std::vector<std::string> base_args(const TempDir& dir)
{
    return {"acme/widgets", "main", "abc123", "Fix things", "--db", (dir / "b.db").string(),
            "--benches", modules_dir.string()};
}

inline std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more)
{
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

struct Benchmark {
    std::string benchmark_id, module, status, reason, metadata, run_id, commit_id;
    long long device_rows = 0, model_rows = 0;
};

inline std::map<std::string, Benchmark> benchmarks_by_module(const fs::path& db_path)
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

inline bool has_log_line(const std::string& out, const std::string& level, const std::string& message)
{
    const std::regex line("^\\[" + level + " - \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\\] (.*)$");
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (std::regex_match(l, m, line) && m[1] == message) return true;
    }
    return false;
}

inline bool process_gone(pid_t pid)
{
    // Gone, or a zombie waiting for a reaper that is not ours to be.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return true;
    const auto close = text.rfind(')');
    return close != std::string::npos && text.size() > close + 2 && text[close + 2] == 'Z';
}

inline bool wait_until_gone(pid_t pid, double seconds)
{
    for (int i = 0; i < seconds * 50; ++i) {
        if (process_gone(pid)) return true;
        usleep(20'000);
    }
    return process_gone(pid);
}

// hang_module's pid file: the grandchild it forked, then the module process itself. Waits for both.
inline std::pair<pid_t, pid_t> wait_for_hang_pids(const fs::path& pid_file)
{
    pid_t grandchild = 0, module = 0;
    for (int i = 0; i < 500 && module <= 0; ++i) {
        std::ifstream in(pid_file);
        if (!(in >> grandchild >> module)) module = 0, usleep(10'000);
    }
    return {grandchild, module};
}

} // namespace benchstore::test::runner
