#pragma once
// Numeric option values, read from the text the user typed. Numeric options are declared as strings
// (cxxopts::value<std::string>) and read here, so that a bad value is a usage error naming the option
// and the value as typed; cxxopts' own conversion says only "Argument 'x' failed to parse", and a
// value<double> takes "nan" and "inf".
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace benchstore::cli {

// The whole text as a finite decimal number; nothing for anything else (empty, trailing text, NaN,
// infinity, a value beyond double's range).
std::optional<double> finite_number(const std::string& text);

// finite_number, or UsageError "OPTION must be a number, got 'TEXT'". Range checks are the caller's.
double number_option(const std::string& option, const std::string& text);

// Digits only, from min to max, else UsageError "OPTION must be a whole number from MIN to MAX, got
// 'TEXT'" (without an upper bound given: "... of at least MIN ...").
std::uint64_t whole_number_option(const std::string& option, const std::string& text, std::uint64_t min,
                                  std::uint64_t max = std::numeric_limits<std::int64_t>::max());

} // namespace benchstore::cli
