#include "core/control_characters.hpp"

namespace benchstore {
namespace {

void append_code_point(std::string& out, unsigned code)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out.push_back(hex[code >> 4]);
    out.push_back(hex[code & 0xf]);
}

} // namespace

std::string escape_control_characters(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) append_code_point(out, c);
        else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                 static_cast<unsigned char>(text[i + 1]) <= 0x9f)
            append_code_point(out, static_cast<unsigned char>(text[++i]));
        else out.push_back(text[i]);
    }
    return out;
}

} // namespace benchstore
