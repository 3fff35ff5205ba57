#pragma once
// Small helpers the speed benchmarks share: running a command for its output, the median, the work
// folder, and main's error handling.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace benchstore::speed {

// Runs command through the shell and returns its standard output without trailing newlines.
// Throws std::runtime_error when it cannot start or exits non-zero.
inline std::string capture(const std::string& command)
{
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + command);
    char buf[4096];
    while (fgets(buf, sizeof buf, p)) out += buf;
    if (pclose(p) != 0) throw std::runtime_error("command failed: " + command);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// The median of v (the mean of the middle two for an even count); v must not be empty.
inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The folder a speed program works in: created, and removed with everything in it however the run ends.
class WorkDir {
public:
    explicit WorkDir(std::filesystem::path path) : m_path(std::move(path)) { std::filesystem::create_directories(m_path); }
    ~WorkDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::filesystem::path& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// Runs body and returns its status; an exception instead becomes one line "PROGRAM: error: WHAT" on
// standard error and error_status (2 for bad options, 1 for a failed run).
template <class Body>
int report_errors(const char* program, int error_status, Body&& body)
{
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return error_status;
    }
}

} // namespace benchstore::speed
