#pragma once
// Compact JSON text for the two JSON columns: metadata (string values, as in the seed) and model
// measurements (finite numbers). Numbers are the shortest text that reads back to the same double.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchstore/api.hpp"

namespace benchstore {

// Appends text as a JSON string literal (quotes included), escaping what RFC 8259 requires.
BENCHSTORE_API void append_json_string(std::string& out, std::string_view text);

// Shortest round-trip decimal text of a finite double (std::to_chars). Throws InvalidArgument for
// NaN or infinity.
BENCHSTORE_API std::string format_double(double value);

// {"k":"v",...} in the given order.
BENCHSTORE_API std::string json_object_of_strings(const std::vector<std::pair<std::string, std::string>>& items);

// {"k":1.5,...} in the given order. Throws InvalidArgument for a non-finite value.
BENCHSTORE_API std::string json_object_of_numbers(const std::vector<std::pair<std::string, double>>& items);

} // namespace benchstore
