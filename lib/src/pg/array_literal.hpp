#pragma once
// A PostgreSQL array literal ({1,2,3}, {"a","b"}, {1.5,NULL}) built element by element, for a text
// parameter cast to an array type in the SQL ($1::bigint[]): one parameter, one round trip, however
// many elements, where a statement per element would cost a round trip each. Internal.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace benchstore::pg {

class ArrayLiteral {
public:
    // Distinct names, not overloads: a double given to add(int64) would convert silently.
    void add_integer(std::int64_t value);
    // The shortest text that reads back as the same double (float8in parses it exactly); NULL for
    // nullopt.
    void add_double(std::optional<double> value);
    // An element whose text needs no quoting: a uuid, a number already in text.
    void add_bare(std::string_view text);
    // Any text: quoted, with " and \ escaped.
    void add_quoted(std::string_view text);

    bool empty() const { return !m_any; }
    // {elements}
    std::string text() const;

private:
    void separate();
    std::string m_elements;
    bool m_any = false;
};

} // namespace benchstore::pg
