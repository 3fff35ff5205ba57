#pragma once
// Escaping store text for the two places the report page puts it: HTML text and attribute values,
// and JSON data inside a <script> element. Store text is never trusted: a commit message may hold
// "</script><script>alert(1)</script>".
#include <cstddef>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace benchstore::report {

// Appends text with & < > " ' as character references: safe in element content and in quoted
// attribute values.
void append_html(std::string& out, std::string_view text);

// How much of a name a heading shows (the page's <title>, the header, a chart's caption): a
// repository name may be kilobytes long, and headings must stay a line or two.
inline constexpr std::size_t heading_chars = 80;

// text cut to at most max_chars code points (never inside a UTF-8 sequence), ending in "…" when cut.
std::string shortened(std::string_view text, std::size_t max_chars = heading_chars);

// Appends text as append_html does when it has at most max_chars code points; else its shortened
// form in <span title="TEXT">, so that hovering shows the whole text.
void append_heading_html(std::string& out, std::string_view text, std::size_t max_chars = heading_chars);

// Appends text as a JSON string literal that is also safe inside <script>: besides what JSON
// requires, "<", ">" and "&" become \u003c, \u003e and \u0026 (so no "</script" or "<!--" can
// appear), and U+2028 / U+2029 become \u2028 / \u2029 (line terminators to older JavaScript).
// JSON.parse reads back exactly text.
void append_script_json(std::string& out, std::string_view text);
// The same for a whole value, written by the JSON library (core/json.hpp).
void append_script_value(std::string& out, const json::Value& value);

// A finite value rounded to about 4 significant digits for drawing (a chart cannot show more), so the
// page stays small; -0 becomes 0. Non-finite values are returned as they are (written as null).
double plot_value(double value);

// The first 7 characters of a commit id (git's short form), or all of it when shorter.
std::string_view short_commit(std::string_view commit_id);

// A stored time "2026-11-30T20:25:56.123456" as "2026-11-30 20:25:56": seconds are enough to read.
std::string readable_time(std::string_view stored);

} // namespace benchstore::report
