#pragma once
// Reading the fields of an imported file's JSON values, each failure one line naming the file and the
// field ("FILE: benchmarks[3].real_time: expected a number, found a string"). Internal to the import.
#include <filesystem>
#include <optional>
#include <string>

#include "import/json_stream.hpp"

namespace benchstore::import {

class Fields {
public:
    // object's fields, named in messages as where + "." + key. Throws when object is not an object.
    Fields(const std::filesystem::path& file, const Json& object, std::string where);

    const Json& value() const { return m_object; }
    const Json* find(const std::string& key) const;  // nullptr when absent
    std::string where(const std::string& key) const;

    std::string text(const std::string& key) const;                     // a string, required
    std::optional<std::string> optional_text(const std::string& key) const;  // a string or null/absent
    double number(const std::string& key) const;                        // a finite number, required
    std::optional<double> optional_number(const std::string& key) const;  // a number or null/absent
    bool flag(const std::string& key, bool absent) const;               // a boolean; absent -> `absent`
    const Json& object(const std::string& key) const;                   // an object, required
    const Json* optional_object(const std::string& key) const;          // an object, or null/absent
    const Json& array(const std::string& key) const;                    // an array, required
    const Json* optional_array(const std::string& key) const;           // an array, or null/absent

private:
    const std::filesystem::path& m_file;
    const Json& m_object;
    std::string m_where;
};

// A scalar as metadata text: a string as it is, a number as its shortest round-trip text, a boolean
// as true/false; arrays and objects as compact JSON.
std::string scalar_text(const Json& value);

// An ISO 8601 time as the store writes it (UTC, microseconds). A zone offset (+01:00, Z) is applied;
// a time without one is taken as UTC. Throws InvalidArgument naming the file and field.
std::string utc_time(const std::filesystem::path& file, const std::string& field, const std::string& text);

} // namespace benchstore::import
