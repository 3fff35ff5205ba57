#include "benchstore/logger.hpp"

#include <chrono>
#include <iostream>

#include "benchstore/timestamp.hpp"

namespace benchstore {

const char* log_level_name(LogLevel level)
{
    switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARNING";
    case LogLevel::error: return "ERROR";
    }
    return "INFO";
}

std::optional<LogLevel> log_level_from_name(std::string_view name)
{
    for (const LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error}) {
        std::string lower = log_level_name(level);
        for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
        if (name == lower) return level;
    }
    return std::nullopt;
}

std::string format_log_line(LogLevel level, std::string_view message)
{
    std::string line = "[";
    line += log_level_name(level);
    line += " - ";
    line += format_log_time(std::chrono::system_clock::now());
    line += "] ";
    line += message;
    return line;
}

Logger::Logger(std::ostream& out, LogLevel min_level) : m_out(&out), m_min_level(min_level) {}

Logger::Logger() : Logger(std::cout) {}

void Logger::log(LogLevel level, std::string_view message) noexcept
{
    if (level < m_min_level) return;
    try {
        std::string line = format_log_line(level, message);
        line += '\n';
        std::lock_guard lock(m_mutex);
        m_out->write(line.data(), static_cast<std::streamsize>(line.size()));
        m_out->flush();
    } catch (...) {
        // Logging must never take a benchmark down.
    }
}

void Logger::flush() noexcept
{
    try {
        std::lock_guard lock(m_mutex);
        m_out->flush();
    } catch (...) {
    }
}

} // namespace benchstore
