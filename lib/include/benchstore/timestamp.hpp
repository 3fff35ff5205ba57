#pragma once
// UTC timestamps as benchstore writes them everywhere: ISO 8601 with microseconds and no zone
// suffix, "2025-07-29T20:08:07.875408" (always six digits, unlike Python's isoformat).
#include <chrono>
#include <string>

#include "benchstore/api.hpp"

namespace benchstore {

using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

// The current UTC time, to the microsecond.
BENCHSTORE_API Timestamp now_utc();

// Formats as "YYYY-MM-DDTHH:MM:SS.ffffff". Throws InvalidArgument outside the years 0000..9999.
BENCHSTORE_API std::string format_timestamp(Timestamp t);

// Formats for file names: "YYYYmmdd_HHMMSS". Throws as format_timestamp.
BENCHSTORE_API std::string format_file_stamp(Timestamp t);

// Formats for log lines in local time, as Python's logging asctime: "2026-11-26 12:00:00,123".
BENCHSTORE_API std::string format_log_time(std::chrono::system_clock::time_point t);

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" (a space may replace the T; a trailing "Z"
// is accepted). Throws InvalidArgument naming the text when it is not such a date or time.
BENCHSTORE_API Timestamp parse_timestamp(const std::string& text);

} // namespace benchstore
