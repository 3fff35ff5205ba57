#pragma once
// Small helpers the speed benchmarks share: running a command for its output and the median.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
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

} // namespace benchstore::speed
