#pragma once
// Turns a Selection into an SQL condition on the benchmarks table (alias b) with its parameters,
// validating it on the way: malformed dates and unknown statuses are caught here, before anything is
// opened or written. Readers splice the condition into their own queries:
//     const SelectionSql sel = compile_selection(selection);
//     Query q(db, "SELECT ... FROM benchmarks b WHERE " + sel.condition, sel.params);
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/selection.hpp"

namespace benchstore::store {

struct SelectionSql {
    std::string condition;            // e.g. "b.repository = ? AND b.created_at >= ?"; "1" selects all
    std::vector<std::string> params;  // bound to the condition's placeholders, in order
    std::string ids_json;             // the requested benchmark ids as a JSON array; empty if unset
};

// Throws InvalidArgument for a malformed since/until or an unknown status.
SelectionSql compile_selection(const Selection& selection);

// Throws InvalidArgument naming the first requested benchmark id that db does not hold.
void require_known_ids(SQLite::Database& db, const SelectionSql& selection);

// params repeated count times, for a query that uses the condition count times.
std::vector<std::string> repeat_params(const SelectionSql& selection, int count);

} // namespace benchstore::store
