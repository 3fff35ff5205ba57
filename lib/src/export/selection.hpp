#pragma once
// Turns an ExportSelection into an SQL condition on the benchmarks table (alias b) with its
// parameters, validating it on the way: malformed dates and unknown statuses are caught here,
// before anything is opened or written.
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/export.hpp"

namespace benchstore::csv {

struct SelectionSql {
    std::string condition;            // e.g. "b.repository = ? AND b.created_at >= ?"; "1" selects all
    std::vector<std::string> params;  // bound to the condition's placeholders, in order
    std::string ids_json;             // the requested benchmark ids as a JSON array; empty if unset
};

// Throws InvalidArgument for a malformed since/until or an unknown status.
SelectionSql compile_selection(const ExportSelection& selection);

// Throws InvalidArgument naming the first requested benchmark id that db does not hold.
void require_known_ids(SQLite::Database& db, const SelectionSql& selection);

// params repeated count times, for a query that uses the condition count times.
std::vector<std::string> repeat_params(const SelectionSql& selection, int count);

} // namespace benchstore::csv
