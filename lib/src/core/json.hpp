#pragma once
// The one JSON library: nlohmann-json (Debian's nlohmann-json3-dev), private to the library: no public
// header includes it, so neither the installed headers nor the .deb need it.
//
// Values are built as nlohmann::ordered_json (keys keep the order they were added in: the order is part
// of every format benchstore writes) and written as compact text by json::append, which lets nlohmann
// write everything except floating-point numbers. Those stay the shortest text that reads back to the
// same double (std::to_chars: "100", "1e+05", "0.30000000000000004"), the text benchstore has always
// stored and printed; nlohmann would write "100.0" and "100000.0", and its Grisu2 is not always
// shortest. Non-finite numbers are written as null. Text that is not valid UTF-8 is written with
// U+FFFD for each bad byte (nlohmann's "replace"), so the output is always valid JSON; the recorder
// refuses such text before anything is stored, so only a store edited by hand can hold it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace benchstore::json {

using Value = nlohmann::ordered_json;

// Appends value as compact JSON text (see above).
void append(std::string& out, const Value& value);
std::string text(const Value& value);

// Appends text as one JSON string literal, quotes included.
void append_string(std::string& out, std::string_view text);

// The shortest text that reads back to value exactly (std::to_chars). Throws InvalidArgument for NaN
// or infinity.
std::string shortest_number(double value);

} // namespace benchstore::json

namespace benchstore {

// The two JSON columns the recorder writes. {"k":"v",...} in the given order (metadata, host_info).
std::string json_object_of_strings(const std::vector<std::pair<std::string, std::string>>& items);
// {"k":1.5,...} in the given order (model measurements). Throws InvalidArgument for a non-finite value.
std::string json_object_of_numbers(const std::vector<std::pair<std::string, double>>& items);

} // namespace benchstore
