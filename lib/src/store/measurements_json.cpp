#include "store/measurements_json.hpp"

#include <charconv>
#include <cmath>

namespace benchstore::store {
namespace {

// A cursor over the JSON text; every parse_* returns false on malformed input.
struct Cursor {
    std::string_view s;
    std::size_t i = 0;

    bool at_end() const { return i >= s.size(); }
    char peek() const { return at_end() ? '\0' : s[i]; }
    void skip_space()
    {
        while (!at_end() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    }
    bool eat(char c)
    {
        skip_space();
        if (peek() != c) return false;
        ++i;
        return true;
    }
};

bool hex4(Cursor& c, unsigned& out)
{
    if (c.i + 4 > c.s.size()) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
        const char h = c.s[c.i++];
        out <<= 4;
        if (h >= '0' && h <= '9') out |= static_cast<unsigned>(h - '0');
        else if (h >= 'a' && h <= 'f') out |= static_cast<unsigned>(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') out |= static_cast<unsigned>(h - 'A' + 10);
        else return false;
    }
    return true;
}

void append_utf8(std::string& out, unsigned cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool parse_string(Cursor& c, std::string& out)
{
    out.clear();
    if (!c.eat('"')) return false;
    while (!c.at_end()) {
        const char ch = c.s[c.i++];
        if (ch == '"') return true;
        if (static_cast<unsigned char>(ch) < 0x20) return false;
        if (ch != '\\') {
            out.push_back(ch);
            continue;
        }
        if (c.at_end()) return false;
        const char esc = c.s[c.i++];
        switch (esc) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
            unsigned cp = 0;
            if (!hex4(c, cp)) return false;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned low = 0;
                if (c.peek() != '\\' || c.i + 1 >= c.s.size() || c.s[c.i + 1] != 'u') return false;
                c.i += 2;
                if (!hex4(c, low) || low < 0xDC00 || low >= 0xE000) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                return false;
            }
            append_utf8(out, cp);
            break;
        }
        default: return false;
        }
    }
    return false;
}

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// JSON number grammar, then the value re-written as its shortest round-trip text.
bool parse_number(Cursor& c, std::string& out, double& value)
{
    c.skip_space();
    const std::size_t start = c.i;
    if (c.peek() == '-') ++c.i;
    if (c.peek() == '0') {
        ++c.i;
    } else if (is_digit(c.peek())) {
        while (is_digit(c.peek())) ++c.i;
    } else {
        return false;
    }
    if (c.peek() == '.') {
        ++c.i;
        if (!is_digit(c.peek())) return false;
        while (is_digit(c.peek())) ++c.i;
    }
    if (c.peek() == 'e' || c.peek() == 'E') {
        ++c.i;
        if (c.peek() == '+' || c.peek() == '-') ++c.i;
        if (!is_digit(c.peek())) return false;
        while (is_digit(c.peek())) ++c.i;
    }
    value = 0;
    const char* first = c.s.data() + start;
    const char* last = c.s.data() + c.i;
    const auto parsed = std::from_chars(first, last, value);
    if (parsed.ec != std::errc() || parsed.ptr != last || !std::isfinite(value)) return false;
    char buf[32];
    const auto written = std::to_chars(buf, buf + sizeof buf, value);
    out.assign(buf, written.ptr);
    return true;
}

} // namespace

bool parse_measurements(std::string_view json, std::vector<MeasurementField>& fields)
{
    fields.clear();
    Cursor c{json};
    if (!c.eat('{')) return false;
    if (c.eat('}')) {
        c.skip_space();
        return c.at_end();
    }
    for (;;) {
        MeasurementField field;
        if (!parse_string(c, field.name) || !c.eat(':') || !parse_number(c, field.number, field.value)) return false;
        fields.push_back(std::move(field));
        if (c.eat(',')) continue;
        if (!c.eat('}')) return false;
        c.skip_space();
        return c.at_end();
    }
}

} // namespace benchstore::store
