#include "report/html_text.hpp"

#include <charconv>
#include <cmath>

#include "core/json.hpp"
#include "core/utf8.hpp"

namespace benchstore::report {

void append_html(std::string& out, std::string_view text)
{
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
}

namespace {

bool fits(std::string_view text, std::size_t max_chars) { return truncate_utf8(text, max_chars).size() == text.size(); }

// JSON text made safe inside <script>. "<", ">", "&" and U+2028/9 can only occur inside string literals
// of JSON text, so escaping them there keeps the JSON meaning unchanged.
void append_script_safe(std::string& out, const std::string& literal)
{
    out.reserve(out.size() + literal.size());
    for (std::size_t i = 0; i < literal.size(); ++i) {
        const char c = literal[i];
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else if (c == '\xE2' && i + 2 < literal.size() && literal[i + 1] == '\x80' &&
                 (literal[i + 2] == '\xA8' || literal[i + 2] == '\xA9')) {
            out += literal[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out.push_back(c);
        }
    }
}

} // namespace

std::string shortened(std::string_view text, std::size_t max_chars)
{
    if (fits(text, max_chars)) return std::string(text);
    return truncate_utf8(text, max_chars > 0 ? max_chars - 1 : 0) + "…";
}

void append_heading_html(std::string& out, std::string_view text, std::size_t max_chars)
{
    if (fits(text, max_chars)) {
        append_html(out, text);
        return;
    }
    const std::string shown = shortened(text, max_chars);
    out += "<span title=\"";
    append_html(out, text);
    out += "\">";
    append_html(out, shown);
    out += "</span>";
}

void append_script_json(std::string& out, std::string_view text)
{
    std::string literal;
    json::append_string(literal, text);
    append_script_safe(out, literal);
}

void append_script_value(std::string& out, const json::Value& value) { append_script_safe(out, json::text(value)); }

double plot_value(double value)
{
    if (!std::isfinite(value)) return value;
    // 4 significant digits: the decimals left after the integer digits, none for large values.
    const double magnitude = std::fabs(value);
    int decimals = 3;
    if (magnitude >= 1000) decimals = 0;
    else if (magnitude >= 100) decimals = 1;
    else if (magnitude >= 10) decimals = 2;
    else if (magnitude > 0 && magnitude < 1) decimals = 3 + static_cast<int>(std::ceil(-std::log10(magnitude)));
    if (decimals > 12) decimals = 12;
    char buf[400];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
    double rounded = value;
    if (ec == std::errc()) std::from_chars(buf, end, rounded);
    return rounded == 0 ? 0.0 : rounded;
}

std::string_view short_commit(std::string_view commit_id) { return commit_id.substr(0, 7); }

std::string readable_time(std::string_view stored)
{
    std::string t(stored.substr(0, 19));
    if (t.size() > 10 && t[10] == 'T') t[10] = ' ';
    return t;
}

} // namespace benchstore::report
