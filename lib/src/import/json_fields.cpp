#include "import/json_fields.hpp"

#include <cmath>

#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "benchstore/timestamp.hpp"

namespace benchstore::import {

Fields::Fields(const std::filesystem::path& file, const Json& object, std::string where)
    : m_file(file), m_object(object), m_where(std::move(where))
{
    if (!object.is_object()) wrong_field(file, m_where.empty() ? "the document" : m_where, "an object", &object);
}

const Json* Fields::find(const std::string& key) const
{
    const auto it = m_object.find(key);
    return it == m_object.end() ? nullptr : &*it;
}

std::string Fields::where(const std::string& key) const { return m_where.empty() ? key : m_where + "." + key; }

std::string Fields::text(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || !v->is_string()) wrong_field(m_file, where(key), "a string", v);
    return v->get<std::string>();
}

std::optional<std::string> Fields::optional_text(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) wrong_field(m_file, where(key), "a string", v);
    return v->get<std::string>();
}

double Fields::number(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || !v->is_number()) wrong_field(m_file, where(key), "a number", v);
    const double d = v->get<double>();
    if (!std::isfinite(d)) throw InvalidArgument(m_file.string() + ": " + where(key) + ": not a finite number");
    return d;
}

std::optional<double> Fields::optional_number(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return number(key);
}

bool Fields::flag(const std::string& key, bool absent) const
{
    const Json* v = find(key);
    if (v == nullptr) return absent;
    if (!v->is_boolean()) wrong_field(m_file, where(key), "true or false", v);
    return v->get<bool>();
}

const Json& Fields::object(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || !v->is_object()) wrong_field(m_file, where(key), "an object", v);
    return *v;
}

const Json* Fields::optional_object(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || v->is_null()) return nullptr;
    return &object(key);
}

const Json& Fields::array(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || !v->is_array()) wrong_field(m_file, where(key), "an array", v);
    return *v;
}

const Json* Fields::optional_array(const std::string& key) const
{
    const Json* v = find(key);
    if (v == nullptr || v->is_null()) return nullptr;
    return &array(key);
}

std::string scalar_text(const Json& value)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_float()) return json::shortest_number(value.get<double>());
    return value.dump();
}

std::string utc_time(const std::filesystem::path& file, const std::string& field, const std::string& text)
{
    std::string local = text;
    std::chrono::minutes offset{0};
    // A trailing +HH:MM / -HH:MM / +HHMM after the time (not the date's own dashes).
    const auto t = local.find_first_of("T ");
    const auto sign = t == std::string::npos ? std::string::npos : local.find_first_of("+-", t);
    if (sign != std::string::npos) {
        const std::string zone = local.substr(sign + 1);
        const std::string digits = zone.size() == 5 && zone[2] == ':' ? zone.substr(0, 2) + zone.substr(3) : zone;
        if (digits.size() != 4 || digits.find_first_not_of("0123456789") != std::string::npos)
            throw InvalidArgument(file.string() + ": " + field + ": '" + text + "' is not an ISO 8601 time");
        offset = std::chrono::hours(std::stoi(digits.substr(0, 2))) + std::chrono::minutes(std::stoi(digits.substr(2)));
        if (local[sign] == '-') offset = -offset;
        local.resize(sign);
    }
    // Python writes up to six fraction digits; the parser takes at most six.
    try {
        return format_timestamp(parse_timestamp(local) - offset);
    } catch (const InvalidArgument&) {
        throw InvalidArgument(file.string() + ": " + field + ": '" + text + "' is not an ISO 8601 time");
    }
}

} // namespace benchstore::import
