#include "pg/array_literal.hpp"

#include <charconv>

namespace benchstore::pg {

void ArrayLiteral::separate()
{
    if (m_any) m_elements.push_back(',');
    m_any = true;
}

void ArrayLiteral::add_integer(std::int64_t value)
{
    separate();
    m_elements += std::to_string(value);
}

void ArrayLiteral::add_double(std::optional<double> value)
{
    separate();
    if (!value) {
        m_elements += "NULL";
        return;
    }
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, *value).ptr;
    m_elements.append(buffer, end);
}

void ArrayLiteral::add_bare(std::string_view text)
{
    separate();
    m_elements.append(text);
}

void ArrayLiteral::add_quoted(std::string_view text)
{
    separate();
    m_elements.push_back('"');
    for (char c : text) {
        if (c == '"' || c == '\\') m_elements.push_back('\\');
        m_elements.push_back(c);
    }
    m_elements.push_back('"');
}

std::string ArrayLiteral::text() const
{
    std::string out;
    out.reserve(m_elements.size() + 2);
    out.push_back('{');
    out.append(m_elements);
    out.push_back('}');
    return out;
}

} // namespace benchstore::pg
