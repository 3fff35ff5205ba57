#pragma once
// Store text shown where control characters act: a terminal (an escape sequence colours or clears
// it, a carriage return overwrites a row) or a markdown table (a newline ends the row). Internal.
#include <string>
#include <string_view>

namespace benchstore {

// text with every control character written out as JSON writes it: \n, \r, \t, and \u00XX for the
// other C0 characters, DEL (U+007F) and the C1 characters U+0080 to U+009F (UTF-8 C2 80 to C2 9F,
// which some terminals obey: U+009B is CSI). Everything else, backslashes included, stays as it is,
// so names stay readable. The result holds no control character, so escaping it again changes nothing.
std::string escape_control_characters(std::string_view text);

} // namespace benchstore
