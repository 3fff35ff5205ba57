#include "core/utf8.hpp"

#include <cstdint>

namespace benchstore {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if it is not one.
std::size_t sequence_length(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t b0 = byte(i);
    if (b0 < 0x80) return 1;
    std::size_t len;
    std::uint8_t lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + len > text.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return len;
}

} // namespace

std::string truncate_utf8(std::string_view text, std::size_t max_chars)
{
    std::size_t i = 0;
    for (std::size_t chars = 0; i < text.size() && chars < max_chars; ++chars) {
        const std::size_t len = sequence_length(text, i);
        i += len == 0 ? 1 : len;
    }
    return std::string(text.substr(0, i));
}

bool is_valid_utf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = sequence_length(text, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

} // namespace benchstore
