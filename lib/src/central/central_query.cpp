#include "central/central_query.hpp"

#include <cstdlib>

#include "pg/array_literal.hpp"

namespace benchstore::central {

std::string Params::add(std::string value)
{
    m_values.emplace_back(std::move(value));
    std::string placeholder(1, '$');  // appended, not "$" + ...: GCC 12 warns falsely (-Wrestrict) on that
    placeholder += std::to_string(m_values.size());
    return placeholder;
}

// An array literal: {"a","b"} with " and \ escaped, cast to element_type[] in the SQL.
std::string Params::add_array(const std::vector<std::string>& values, const char* element_type)
{
    pg::ArrayLiteral literal;
    for (const auto& v : values) literal.add_quoted(v);
    return add(literal.text()) + "::" + element_type + "[]";
}

void for_each_row(pg::PgConnection& conn, const std::string& sql, const Params& params,
                  const std::function<void(const pg::PgResult&, int)>& row, int batch_rows)
{
    conn.exec("DECLARE benchstore_rows NO SCROLL CURSOR FOR " + sql, params.values());
    const std::string fetch = "FETCH FORWARD " + std::to_string(batch_rows) + " FROM benchstore_rows";
    for (;;) {
        const pg::PgResult batch = conn.exec(fetch);
        for (int i = 0; i < batch.rows(); ++i) row(batch, i);
        if (batch.rows() < batch_rows) break;
    }
    conn.exec("CLOSE benchstore_rows");
}

std::string iso_time_text(std::string text)
{
    if (text.size() < 19 || text[10] != ' ') return text;
    text[10] = 'T';
    if (text.size() == 19) text += '.';
    text.resize(26, '0');
    return text;
}

std::optional<double> number(const pg::PgResult& r, int row, const char* column)
{
    if (r.is_null(row, column)) return std::nullopt;
    return std::strtod(r.text(row, column).c_str(), nullptr);
}

} // namespace benchstore::central
