#include "report/html_text.hpp"

#include <charconv>
#include <cmath>

#include "benchstore/json_text.hpp"
#include "benchstore/utf8.hpp"

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
    std::string json;
    append_json_string(json, text);
    out.reserve(out.size() + json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
                 (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
            out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out.push_back(c);
        }
    }
}

void append_plot_number(std::string& out, double value)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    // 4 significant digits: the decimals left after the integer digits, none for large values.
    const double magnitude = std::fabs(value);
    int decimals = 3;
    if (magnitude >= 1000) decimals = 0;
    else if (magnitude >= 100) decimals = 1;
    else if (magnitude >= 10) decimals = 2;
    else if (magnitude > 0 && magnitude < 1) decimals = 3 + static_cast<int>(std::ceil(-std::log10(magnitude)));
    if (decimals > 12) decimals = 12;
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
    if (ec != std::errc()) {
        out += format_double(value);
        return;
    }
    // Drop trailing zeros of the fraction, then a bare point.
    char* last = end;
    if (decimals > 0) {
        while (last[-1] == '0') --last;
        if (last[-1] == '.') --last;
    }
    if (last - buf == 2 && buf[0] == '-' && buf[1] == '0') {
        out += "0";
        return;
    }
    out.append(buf, last);
}

std::string_view short_commit(std::string_view commit_id) { return commit_id.substr(0, 7); }

std::string readable_time(std::string_view stored)
{
    std::string t(stored.substr(0, 19));
    if (t.size() > 10 && t[10] == 'T') t[10] = ' ';
    return t;
}

} // namespace benchstore::report
