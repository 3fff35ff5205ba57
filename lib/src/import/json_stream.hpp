#pragma once
// Reading a JSON file in one streaming pass with nlohmann-json's SAX interface: values are built as
// nlohmann::json, as its own DOM parser does, except the members of the containers the caller names
// ("streamed"), which are handed to a callback as soon as each is complete and then dropped. A
// Google Benchmark file's benchmarks, or the million rounds of one pytest-benchmark test, never sit in
// memory together. Internal to the import.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace benchstore::import {

using Json = nlohmann::json;

// Where a value sits: its container's key (for an object member) or index (for an array element),
// from the document's root down. A JSON pointer without the escaping, for matching and messages.
struct PathStep {
    std::string key;        // empty for array elements
    std::size_t index = 0;  // position in its container (members count too)
    bool in_array = false;
};
using Path = std::vector<PathStep>;

// "benchmarks[3].stats.data[12]"
std::string path_text(const Path& path);

class StreamHandler {
public:
    virtual ~StreamHandler() = default;
    // Whether the members of the container at path are streamed (handed over one by one) instead of
    // kept. Asked once, when the container opens.
    virtual bool streams(const Path& path) = 0;
    // A member of a streamed container, complete. path ends with the member's own step. open lists the
    // containers it is inside, from the root, each as built so far (their streamed members left out).
    virtual void member(const Path& path, Json&& value, const std::vector<const Json*>& open) = 0;
    // A streamed container closed (after its last member).
    virtual void closed(const Path& /*path*/, const std::vector<const Json*>& /*open*/) {}
};

// Parses file, calling handler as it goes; returns the root value without its streamed members.
// Throws InvalidArgument "FILE: invalid JSON at line L, column C: ..." for malformed, truncated or
// non-finite input, and passes on what the handler throws.
Json read_json_stream(const std::filesystem::path& file, StreamHandler& handler);

// One line for a value of the wrong kind: "FILE: FIELD: expected WHAT, found KIND".
[[noreturn]] void wrong_field(const std::filesystem::path& file, const std::string& field, const std::string& expected,
                              const Json* found);

} // namespace benchstore::import
