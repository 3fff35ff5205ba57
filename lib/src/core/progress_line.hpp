#pragma once
// One updating progress line for long work (a sync's backlog, a large export): on a terminal the
// line is rewritten in place ('\r'), at most a few times a second; anywhere else (a pipe, a file,
// a CI log) nothing is written at all, so the program's other output stays as it is. Internal.
// Not thread-safe: one ProgressLine per thread of work.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace benchstore {

class ProgressLine {
public:
    using Clock = std::chrono::steady_clock;
    // detect: a terminal when isatty(fileno(out)); yes/no: as told (tests, or a --progress option).
    enum class Terminal { detect, yes, no };
    // Updates closer together than this are dropped (the first and forced ones always show).
    static constexpr std::chrono::milliseconds default_interval{250};

    // out is borrowed and must outlive this object.
    explicit ProgressLine(std::FILE* out, Terminal terminal = Terminal::detect,
                          std::chrono::milliseconds interval = default_interval);
    // Clears a line it left on the terminal.
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // True when updates are shown (out is a terminal).
    bool enabled() const { return m_enabled; }

    enum class Force { no, yes };
    // Replaces the line with text (one line; no '\n'), unless the last update was shown less than
    // the interval before now. Never throws; write errors are ignored (progress is a courtesy).
    void update(std::string_view text, Force force = Force::no, Clock::time_point now = Clock::now());
    // Blanks the line and returns the cursor to its start, so normal output follows cleanly.
    void clear();

private:
    std::FILE* m_out;
    bool m_enabled;
    std::chrono::milliseconds m_interval;
    bool m_shown_any = false;
    Clock::time_point m_last{};
    std::size_t m_width = 0;  // characters of the line on screen
};

// "device_measurements 120,000/1,000,000 rows (12%), 40,000 rows/s, 880,000 left, ~22 s": what,
// rows done of total, the rate over seconds so far, and what is left with its time at that rate.
// The rate and the time left are omitted until there is a rate (seconds > 0, done > 0).
std::string format_progress(std::string_view what, std::int64_t done, std::int64_t total, double seconds);

// 1234567 -> "1,234,567".
std::string group_thousands(std::int64_t n);

} // namespace benchstore
