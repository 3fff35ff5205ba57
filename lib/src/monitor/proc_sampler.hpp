#pragma once
// Reading one process's CPU time and resident memory from Linux /proc. Internal to the library.
#include <chrono>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace benchstore::monitor {

struct ProcessSample {
    double cpu_util = 0;       // percent of one core over the time since the previous sample
    double mem_megabytes = 0;  // resident set size, MiB
};

// Measures a process as psutil.Process(pid).cpu_percent() and memory_info().rss do.
// Not thread-safe: one reader per thread.
class ProcSampler {
public:
    // Takes the baseline for the first CPU percent. Throws InvalidArgument naming the pid when its
    // /proc entry cannot be read.
    explicit ProcSampler(pid_t pid);

    // CPU percent since construction or the previous call, and RSS now. Throws Error naming the pid
    // when the process is gone or /proc is unreadable.
    ProcessSample sample();

    pid_t pid() const { return m_pid; }

private:
    struct CpuTimes {
        std::uint64_t ticks = 0;  // utime + stime, in clock ticks
        std::chrono::steady_clock::time_point at;
    };
    CpuTimes read_cpu() const;
    double read_rss_megabytes() const;

    pid_t m_pid;
    std::string m_dir;  // "/proc/<pid>"
    double m_ticks_per_second;
    double m_page_bytes;
    CpuTimes m_last;
};

} // namespace benchstore::monitor
