#include "runner/module_process.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>

#include "benchstore/benchmark_module.hpp"
#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "benchstore/logger.hpp"
#include "runner/python_child.hpp"

namespace benchstore::runner {
namespace {

// The child's report on its pipe: one kind letter, then the message.
constexpr char report_returned = 'R';
constexpr char report_load_failed = 'L';
constexpr char report_store_failed = 'S';
constexpr char report_threw = 'T';
constexpr std::size_t max_report_bytes = 4000;

void write_report(int fd, char kind, const std::string& message) noexcept
{
    std::string text(1, kind);
    text += message.substr(0, max_report_bytes);
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

[[noreturn]] void child_exit(int fd, int code) noexcept
{
    std::cout.flush();
    std::cerr.flush();
    close(fd);
    _exit(code);  // no atexit handlers or static destructors of the parent's state
}

// A copy of the module process made by the module's own fork() that got back here (run_benchmark
// returned or threw in it too) leaves without a report: only the module process speaks for the module.
// Nor does it close the recorder, whose connection belongs to the module process.
[[noreturn]] void forked_copy_exit(int fd, int code) noexcept
{
    std::cout.flush();
    std::cerr.flush();
    close(fd);
    _exit(code);
}

[[noreturn]] void run_child(const ModuleJob& job, Logger& logger, int fd, pid_t runner) noexcept
{
    // Die with the runner, however it dies (kill -9 included): no module outlives it unwatched with
    // its benchmark left `running`. If the runner died before this call, the signal will never come.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != runner) _exit(6);
    setpgid(0, 0);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);  // a closed stdout makes a log write fail, not the module
    const pid_t self = getpid();
    const std::string path = job.path.string();
    if (job.path.extension() == ".py") {
        // Only returns when the interpreter could not be started.
        write_report(fd, report_load_failed, exec_python_module(job, fd));
        child_exit(fd, 4);
    }
    try {
        std::optional<MetricsRecorder> recorder;
        try {
            recorder.emplace(job.recorder_options);
        } catch (const std::exception& e) {
            write_report(fd, report_store_failed, e.what());
            child_exit(fd, 5);
        }
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            write_report(fd, report_load_failed, why ? why : path);
            child_exit(fd, 4);
        }
        auto* run = reinterpret_cast<RunBenchmarkFunction*>(dlsym(handle, run_benchmark_symbol));
        if (!run) {
            write_report(fd, report_load_failed, path + ": no run_benchmark function exported");
            child_exit(fd, 4);
        }
        if (const auto* abi = static_cast<const int*>(dlsym(handle, abi_version_symbol));
            abi && *abi != benchmark_module_abi_version) {
            write_report(fd, report_load_failed,
                         path + ": built for module interface " + std::to_string(*abi) + ", this runner has " +
                             std::to_string(benchmark_module_abi_version) + " (rebuild the module)");
            child_exit(fd, 4);
        }
        const RecorderOptions& o = job.recorder_options;
        BenchmarkContext context{logger, o.repository, o.branch, o.commit_id, o.commit_message, *recorder};
        try {
            run(context);
        } catch (const std::exception& e) {
            if (getpid() != self) forked_copy_exit(fd, 3);
            write_report(fd, report_threw, e.what());
            child_exit(fd, 3);
        } catch (...) {
            if (getpid() != self) forked_copy_exit(fd, 3);
            write_report(fd, report_threw, "an exception not derived from std::exception");
            child_exit(fd, 3);
        }
        if (getpid() != self) forked_copy_exit(fd, 0);
        recorder->close();
        write_report(fd, report_returned, {});
        child_exit(fd, 0);
    } catch (const std::exception& e) {
        write_report(fd, report_store_failed, e.what());
        child_exit(fd, 5);
    } catch (...) {
        child_exit(fd, 5);
    }
}

void drain(int fd, std::string& out)
{
    char buf[4096];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            if (out.size() < max_report_bytes + 1) out.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return;  // EOF or EAGAIN
    }
}

std::string seconds_text(std::chrono::milliseconds d)
{
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000);
    return json::shortest_number(static_cast<double>(d.count()) / 1000.0);
}

std::string signal_text(int sig)
{
    const char* name = strsignal(sig);
    return std::to_string(sig) + (name ? std::string(" (") + name + ")" : std::string());
}

ModuleOutcome interpret(int status, const std::string& report)
{
    ModuleOutcome o;
    const char kind = report.empty() ? '\0' : report[0];
    const std::string message = report.empty() ? std::string() : report.substr(1);
    if (WIFSIGNALED(status)) {
        o.kind = OutcomeKind::signalled;
        o.reason = "killed by signal " + signal_text(WTERMSIG(status));
    } else if (kind == report_returned && WEXITSTATUS(status) == 0) {
        o.kind = OutcomeKind::returned;
    } else if (kind == report_threw) {
        o.kind = OutcomeKind::threw;
        o.reason = "threw: " + message;
    } else if (kind == report_load_failed) {
        o.kind = OutcomeKind::load_failed;
        o.reason = "failed to load: " + message;
    } else if (kind == report_store_failed) {
        o.kind = OutcomeKind::store_failed;
        o.reason = "could not record: " + message;
    } else {
        o.kind = OutcomeKind::exited;
        o.reason = "exited with status " + std::to_string(WEXITSTATUS(status)) + " before run_benchmark returned";
    }
    return o;
}

// The module's group watchdog: a small process in the module's process group that waits for the runner
// to go away and then kills that whole group, itself included. The module process has
// PR_SET_PDEATHSIG, but what the module forks (a data-loader worker, a server) does not, and would
// stay alive, orphaned, after a kill -9 of the runner. The watchdog learns of the runner's death from
// a pipe: only the runner holds its write end, so the read returns (EOF) when the runner is gone,
// however it died. It does nothing else, so it needs none of the module's cooperation.
struct GroupWatchdog {
    pid_t pid = -1;
    int fd = -1;  // the runner's write end: closing it tells the watchdog the module is done
};

GroupWatchdog start_group_watchdog(pid_t group, pid_t runner)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    const pid_t pid = fork();
    if (pid < 0) {
        const int err = errno;
        close(fds[0]);
        close(fds[1]);
        throw Error(std::string("cannot fork: ") + std::strerror(err));
    }
    if (pid == 0) {
        close(fds[1]);
        setpgid(0, group);
        if (getppid() == runner) {
            char c;
            while (read(fds[0], &c, 1) < 0 && errno == EINTR) {}
        }
        kill(-group, SIGKILL);
        _exit(0);
    }
    setpgid(pid, group);  // also done by the watchdog: whichever runs first
    close(fds[0]);
    return {pid, fds[1]};
}

// After the module's group is killed: the watchdog is gone (it was in the group) or goes now.
void stop_group_watchdog(GroupWatchdog& w)
{
    kill(w.pid, SIGKILL);
    close(w.fd);
    while (waitpid(w.pid, nullptr, 0) < 0 && errno == EINTR) {}
}

} // namespace

ModuleOutcome run_module_process(const ModuleJob& job, Logger& logger, const std::atomic<int>& stop_signal)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    logger.flush();
    std::cout.flush();
    std::cerr.flush();
    const auto start = std::chrono::steady_clock::now();
    const pid_t runner = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        throw Error(std::string("cannot fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(job, logger, fds[1], runner);
    }
    setpgid(pid, pid);  // also done by the child: whichever runs first, the group exists before a kill
    close(fds[1]);
    GroupWatchdog watchdog;
    try {
        watchdog = start_group_watchdog(pid, runner);
    } catch (...) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {}
        close(fds[0]);
        throw;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);

    std::string report;
    int status = 0;
    std::optional<OutcomeKind> killed;
    for (;;) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) {
            const int err = errno;
            kill(-pid, SIGKILL);
            stop_group_watchdog(watchdog);
            close(fds[0]);
            throw Error(std::string("waitpid failed: ") + std::strerror(err));
        }
        const auto elapsed = std::chrono::steady_clock::now() - start;
        if (stop_signal.load() != 0) killed = OutcomeKind::interrupted;
        else if (job.timeout.count() > 0 && elapsed >= job.timeout) killed = OutcomeKind::timed_out;
        if (killed) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            break;
        }
        // Wait for the child's report or 10 ms, whichever comes first; draining keeps its write from blocking.
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, 10) > 0) {
            drain(fds[0], report);
            if (!(p.revents & POLLIN)) usleep(1'000);  // hung up: the child is exiting
        }
    }
    kill(-pid, SIGKILL);  // whatever the module left behind in its group
    stop_group_watchdog(watchdog);
    drain(fds[0], report);
    close(fds[0]);

    ModuleOutcome outcome;
    if (killed == OutcomeKind::timed_out) {
        outcome.kind = OutcomeKind::timed_out;
        outcome.reason = "timed out after " + seconds_text(job.timeout) + " s";
    } else if (killed == OutcomeKind::interrupted) {
        outcome.kind = OutcomeKind::interrupted;
        outcome.reason = "interrupted by signal " + signal_text(stop_signal.load());
    } else {
        outcome = interpret(status, report);
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

} // namespace benchstore::runner
