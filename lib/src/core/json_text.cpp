#include "benchstore/json_text.hpp"

#include <charconv>
#include <cmath>

#include "benchstore/error.hpp"

namespace benchstore {

void append_json_string(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xf]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
}

std::string format_double(double value)
{
    if (!std::isfinite(value)) throw InvalidArgument("value is not a finite number");
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, result.ptr);
}

std::string json_object_of_strings(const std::vector<std::pair<std::string, std::string>>& items)
{
    std::string out = "{";
    for (const auto& [key, value] : items) {
        if (out.size() > 1) out.push_back(',');
        append_json_string(out, key);
        out.push_back(':');
        append_json_string(out, value);
    }
    out.push_back('}');
    return out;
}

std::string json_object_of_numbers(const std::vector<std::pair<std::string, double>>& items)
{
    std::string out = "{";
    for (const auto& [key, value] : items) {
        if (!std::isfinite(value))
            throw InvalidArgument("measurement '" + key + "' is not a finite number");
        if (out.size() > 1) out.push_back(',');
        append_json_string(out, key);
        out.push_back(':');
        out += format_double(value);
    }
    out.push_back('}');
    return out;
}

} // namespace benchstore
