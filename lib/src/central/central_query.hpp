#pragma once
// Statements of the central reader: numbered parameters collected as the SQL is written, and result
// rows streamed through a server-side cursor in fixed-size batches, so the client holds one batch
// whatever the table size. Every statement goes through PgConnection: the server's
// statement_timeout and the client-side deadline sync has. Internal.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace benchstore::central {

// Parameters in the order their placeholders are written: add() returns "$n" for the SQL text.
class Params {
public:
    std::string add(std::string value);
    std::string add_array(const std::vector<std::string>& values, const char* element_type);
    const std::vector<std::optional<std::string>>& values() const { return m_values; }

private:
    std::vector<std::optional<std::string>> m_values;
};

// Runs sql through a cursor inside the caller's transaction, calling row(result, i) for every row,
// in batches of batch_rows. The result is valid during the call only. One cursor at a time: row
// must not run another for_each_row.
void for_each_row(pg::PgConnection& conn, const std::string& sql, const Params& params,
                  const std::function<void(const pg::PgResult&, int)>& row, int batch_rows = 10'000);

// A timestamp column's text as the server writes it under DateStyle ISO ("2025-07-29 20:08:07.8754",
// the fraction cut short or left out) in benchstore's form, 2025-07-29T20:08:07.875400: cheaper than
// to_char on the server for every device row.
std::string iso_time_text(std::string server_text);

// A double from a result column (the server writes the shortest exact text); nullopt for NULL.
std::optional<double> number(const pg::PgResult& r, int row, const char* column);

} // namespace benchstore::central
