#include "core/json.hpp"

#include <charconv>
#include <cmath>

#include "benchstore/error.hpp"

namespace benchstore::json {
namespace {

constexpr auto bad_utf8 = nlohmann::ordered_json::error_handler_t::replace;

void append_dump(std::string& out, const Value& value) { out += value.dump(-1, ' ', false, bad_utf8); }

} // namespace

void append_string(std::string& out, std::string_view text)
{
    // One reused string value per thread: nlohmann escapes it, and no value is built per call.
    thread_local Value scratch = std::string();
    scratch.get_ref<std::string&>().assign(text);
    append_dump(out, scratch);
}

void append(std::string& out, const Value& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::object: {
        out.push_back('{');
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) out.push_back(',');
            first = false;
            append_string(out, it.key());
            out.push_back(':');
            append(out, it.value());
        }
        out.push_back('}');
        return;
    }
    case nlohmann::json::value_t::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : value) {
            if (!first) out.push_back(',');
            first = false;
            append(out, item);
        }
        out.push_back(']');
        return;
    }
    case nlohmann::json::value_t::number_float: {
        const double number = value.get<double>();
        out += std::isfinite(number) ? shortest_number(number) : "null";
        return;
    }
    default: append_dump(out, value);
    }
}

std::string text(const Value& value)
{
    std::string out;
    append(out, value);
    return out;
}

std::string shortest_number(double value)
{
    if (!std::isfinite(value)) throw InvalidArgument("value is not a finite number");
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, result.ptr);
}

} // namespace benchstore::json

namespace benchstore {

std::string json_object_of_strings(const std::vector<std::pair<std::string, std::string>>& items)
{
    json::Value object = json::Value::object();
    for (const auto& [key, value] : items) object[key] = value;
    return json::text(object);
}

std::string json_object_of_numbers(const std::vector<std::pair<std::string, double>>& items)
{
    json::Value object = json::Value::object();
    for (const auto& [key, value] : items) {
        if (!std::isfinite(value)) throw InvalidArgument("measurement '" + key + "' is not a finite number");
        object[key] = value;
    }
    return json::text(object);
}

} // namespace benchstore
