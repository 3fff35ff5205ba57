#pragma once
// Internal to the library (lib/src): not installed, not exported.
// Small UTF-8 helpers for user-provided text (commit messages, metadata).
#include <cstddef>
#include <string>
#include <string_view>


namespace benchstore {

// Returns at most max_chars code points of text, never cutting a multi-byte sequence. Invalid
// bytes count as one character each.
std::string truncate_utf8(std::string_view text, std::size_t max_chars);

// True when text is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

} // namespace benchstore
