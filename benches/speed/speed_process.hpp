#pragma once
// Shared by the speed programs that time benchstore's tools as child processes (export, report,
// compare, sync):
// running a child with its wall time and peak RSS, and building a store of a given size through the
// recorder's batch API. Header-only; each program is one source file. median() and capture() are in
// speed_support.hpp.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchstore/metrics_recorder.hpp"
#include "speed_support.hpp"

extern char** environ;

namespace benchstore::speed {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Run {
    double seconds = 0;
    double peak_mib = 0;
    double cpu_seconds = 0;  // user + system of the child and what it waited for (the load barely moves it)
};

inline const fs::path gnu_time = "/usr/bin/time";

// A work folder made for one run and deleted when it goes away, also when the run fails.
class WorkFolder {
public:
    explicit WorkFolder(fs::path path) : m_path(std::move(path)) { fs::create_directories(m_path); }
    ~WorkFolder()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    WorkFolder(const WorkFolder&) = delete;
    WorkFolder& operator=(const WorkFolder&) = delete;
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

// Runs argv as a child with stdout to stdout_path; throws if it exits with a status not in ok_status
// (only 0 unless told; benchstore-compare exits 4 when it finds a regression). The peak RSS comes
// from GNU time where it is installed: a child spawned straight from this process would count this
// process's own resident memory (Linux keeps the high-water mark of the memory it replaces at exec).
inline Run run_child(std::vector<std::string> argv, const fs::path& stdout_path = "/dev/null",
                     const std::vector<int>& ok_status = {0})
{
    const fs::path rss_file = fs::temp_directory_path() / ("benchstore-speed-" + std::to_string(getpid()) + ".rss");
    const std::string command = argv.front() + (argv.size() > 1 ? " ... " + argv.back().substr(0, 200) : "");
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
    if (!WIFEXITED(status) ||
        std::find(ok_status.begin(), ok_status.end(), WEXITSTATUS(status)) == ok_status.end()) {
        fs::remove(rss_file);
        throw std::runtime_error(command + " failed (" +
                                 (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                    : "signal " + std::to_string(WTERMSIG(status))) + ")");
    }
    double peak_kib = static_cast<double>(usage.ru_maxrss);
    if (use_time) {
        std::ifstream in(rss_file);
        in >> peak_kib;
        fs::remove(rss_file);
    }
    const auto cpu = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {std::chrono::duration<double>(stop - start).count(), peak_kib / 1024.0,
            cpu(usage.ru_utime) + cpu(usage.ru_stime)};
}

inline std::uint64_t next_random(std::uint64_t& state)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11;
}

inline double uniform(std::uint64_t& state, double lo, double hi)
{
    return lo + (hi - lo) * static_cast<double>(next_random(state)) / 9007199254740992.0;
}

// A store with `benchmarks` benchmarks on each of `commits` (the same identities on every commit) and
// `rows` device rows spread over all of them, plus `model_rows` model rows per benchmark.
inline void build_store(const fs::path& db, int benchmarks, long rows, const std::string& purpose,
                        const std::vector<std::string>& commits = {"abc123def456"}, int model_rows = 4)
{
    std::uint64_t state = 7;
    const long all_benchmarks = benchmarks * static_cast<long>(commits.size());
    const long per_benchmark = rows / all_benchmarks;
    constexpr long chunk = 100'000;
    std::vector<benchstore::DeviceSample> samples;
    auto time = benchstore::Timestamp(std::chrono::seconds(1'753'819'687));
    long k = 0;  // the benchmark's index over all commits
    for (const auto& commit : commits) {
        auto recorder = benchstore::create_global_metrics_recorder("huggingface/transformers", "main", commit,
                                                                   "Benchmark store for the " + purpose + " benchmark", db);
        for (int b = 0; b < benchmarks; ++b, ++k) {
            const auto id = recorder.initialise_benchmark(
                {{"model_name", "model-" + std::to_string(b)}, {"gpu_name", "NVIDIA H100"}, {"batch_size", "1"}});
            const long count = per_benchmark + (k < rows % all_benchmarks ? 1 : 0);
            for (long done = 0; done < count; done += chunk) {
                samples.clear();
                for (long i = done; i < std::min(count, done + chunk); ++i) {
                    time += std::chrono::milliseconds(100);
                    samples.push_back({uniform(state, 0, 400), uniform(state, 1000, 9000), uniform(state, 0, 100),
                                       uniform(state, 0, 80000), time});
                }
                recorder.collect_device_measurements(id, samples);
            }
            for (int m = 0; m < model_rows; ++m)
                recorder.collect_model_measurements(id, {{"model_load_time", uniform(state, 1, 5)},
                                                         {"first_eager_forward_pass_time_secs", uniform(state, 0, 1)},
                                                         {"time_to_first_token_secs", uniform(state, 0, 0.1)},
                                                         {"time_to_next_token_mean_secs", uniform(state, 0, 0.01)}});
            recorder.set_status(id, benchstore::BenchmarkStatus::completed);
        }
    }
}

inline void remove_store(const fs::path& db)
{
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

} // namespace benchstore::speed
