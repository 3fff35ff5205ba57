#include "core/progress_line.hpp"

#include <algorithm>
#include <cmath>

#include <unistd.h>

namespace benchstore {

ProgressLine::ProgressLine(std::FILE* out, Terminal terminal, std::chrono::milliseconds interval)
    : m_out(out),
      m_enabled(terminal == Terminal::yes || (terminal == Terminal::detect && out != nullptr && isatty(fileno(out)))),
      m_interval(interval)
{
}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(std::string_view text, Force force, Clock::time_point now)
{
    if (!m_enabled) return;
    if (force == Force::no && m_shown_any && now - m_last < m_interval) return;
    m_shown_any = true;
    m_last = now;
    // Pad over what the previous, longer line left; no terminal escape codes needed.
    std::string line = "\r";
    line += text;
    if (m_width > text.size()) line.append(m_width - text.size(), ' ');
    m_width = text.size();
    std::fwrite(line.data(), 1, line.size(), m_out);
    std::fflush(m_out);
}

void ProgressLine::clear()
{
    if (!m_enabled || m_width == 0) return;
    std::string line = "\r";
    line.append(m_width, ' ');
    line += '\r';
    m_width = 0;
    std::fwrite(line.data(), 1, line.size(), m_out);
    std::fflush(m_out);
}

std::string group_thousands(std::int64_t n)
{
    const std::string digits = std::to_string(n < 0 ? -static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n));
    std::string out = n < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out += digits[i];
    }
    return out;
}

namespace {
std::string duration_text(double seconds)
{
    const auto s = static_cast<std::int64_t>(std::llround(seconds));
    if (s < 60) return std::to_string(s) + " s";
    if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
    return std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min";
}
} // namespace

std::string format_progress(std::string_view what, std::int64_t done, std::int64_t total, double seconds)
{
    total = std::max<std::int64_t>(total, 0);
    done = std::clamp<std::int64_t>(done, 0, total);
    const std::int64_t left = total - done;
    // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) on "literal" + std::string&&.
    std::string text(what);
    auto add = [&](std::string_view a, const std::string& b, std::string_view c = {}) {
        text.append(a).append(b).append(c);
    };
    add(" ", group_thousands(done));
    add("/", group_thousands(total), " rows");
    if (total > 0) add(" (", std::to_string(done * 100 / total), "%)");
    if (seconds > 0 && done > 0) {
        const double rate = static_cast<double>(done) / seconds;
        add(", ", group_thousands(static_cast<std::int64_t>(std::llround(rate))), " rows/s");
        add(", ", group_thousands(left), " left");
        if (left > 0) add(", ~", duration_text(static_cast<double>(left) / rate));
    } else {
        add(", ", group_thousands(left), " left");
    }
    return text;
}

} // namespace benchstore
