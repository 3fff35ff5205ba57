#pragma once
// Logger: the runner's log lines, formatted as the seed's Python logging does,
// "[INFO - 2026-11-26 12:00:00,123] message" (level name, local time with milliseconds).
//
// Each line is written whole and flushed at once, so lines from the runner and from a module's child
// process (both writing to the same stream) never interleave within a line.
//
// Thread safety: all member functions may be called from several threads at once.
// Ownership: the Logger writes to a stream it does not own; the stream must outlive it.
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "benchstore/api.hpp"

namespace benchstore {

enum class LogLevel { debug, info, warning, error };

class BENCHSTORE_API Logger {
public:
    // Writes lines of level >= min_level to out (default: standard output, as the seed does).
    explicit Logger(std::ostream& out, LogLevel min_level = LogLevel::info);
    Logger();

    void debug(std::string_view message) { log(LogLevel::debug, message); }
    void info(std::string_view message) { log(LogLevel::info, message); }
    void warning(std::string_view message) { log(LogLevel::warning, message); }
    void error(std::string_view message) { log(LogLevel::error, message); }

    // Writes one line if level >= min_level. Never throws (a failing stream is ignored).
    void log(LogLevel level, std::string_view message) noexcept;

    // Flushes the stream (the runner calls it before fork so a child does not repeat buffered text).
    void flush() noexcept;

    LogLevel min_level() const { return m_min_level; }

private:
    std::ostream* m_out;
    LogLevel m_min_level;
    std::mutex m_mutex;
};

// "DEBUG", "INFO", "WARNING", "ERROR" (Python's level names).
BENCHSTORE_API const char* log_level_name(LogLevel level);

// The level named "debug", "info", "warning" or "error" (as --log-level takes them); empty otherwise.
BENCHSTORE_API std::optional<LogLevel> log_level_from_name(std::string_view name);

// One formatted line without the newline: "[INFO - 2026-11-26 12:00:00,123] message".
BENCHSTORE_API std::string format_log_line(LogLevel level, std::string_view message);

} // namespace benchstore
