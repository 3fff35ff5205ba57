#include "monitor/proc_sampler.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "benchstore/error.hpp"

namespace benchstore::monitor {
namespace {

std::string read_whole(const std::string& path)
{
    std::ifstream in(path);
    if (!in) return {};
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

ProcSampler::ProcSampler(pid_t pid)
    : m_pid(pid == 0 ? getpid() : pid),
      m_dir("/proc/" + std::to_string(m_pid)),
      m_ticks_per_second(static_cast<double>(sysconf(_SC_CLK_TCK))),
      m_page_bytes(static_cast<double>(sysconf(_SC_PAGESIZE)))
{
    try {
        m_last = read_cpu();
        read_rss_megabytes();
    } catch (const Error& e) {
        throw InvalidArgument(std::string("cannot sample process: ") + e.what());
    }
}

ProcSampler::CpuTimes ProcSampler::read_cpu() const
{
    const std::string text = read_whole(m_dir + "/stat");
    // The command name (field 2) is in parentheses and may hold spaces or ')': skip to the last ')'.
    const auto close = text.rfind(')');
    if (text.empty() || close == std::string::npos)
        throw Error("cannot read " + m_dir + "/stat (process " + std::to_string(m_pid) + " gone?)");
    std::istringstream fields(text.substr(close + 1));
    std::vector<std::string> tokens{std::istream_iterator<std::string>(fields), std::istream_iterator<std::string>()};
    // tokens[0] is field 3 (state); utime and stime are fields 14 and 15.
    if (tokens.size() < 13) throw Error("unexpected format of " + m_dir + "/stat");
    CpuTimes t;
    t.at = std::chrono::steady_clock::now();
    t.ticks = std::stoull(tokens[11]) + std::stoull(tokens[12]);
    return t;
}

double ProcSampler::read_rss_megabytes() const
{
    std::ifstream in(m_dir + "/statm");
    std::uint64_t size_pages = 0, resident_pages = 0;
    if (!(in >> size_pages >> resident_pages))
        throw Error("cannot read " + m_dir + "/statm (process " + std::to_string(m_pid) + " gone?)");
    return static_cast<double>(resident_pages) * m_page_bytes / (1024.0 * 1024.0);
}

ProcessSample ProcSampler::sample()
{
    const CpuTimes now = read_cpu();
    const double wall = std::chrono::duration<double>(now.at - m_last.at).count();
    const double cpu_seconds = static_cast<double>(now.ticks - m_last.ticks) / m_ticks_per_second;
    ProcessSample s;
    s.cpu_util = wall > 0 ? 100.0 * cpu_seconds / wall : 0.0;
    s.mem_megabytes = read_rss_megabytes();
    m_last = now;
    return s;
}

} // namespace benchstore::monitor
