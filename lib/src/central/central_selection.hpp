#pragma once
// A Selection as a condition on the central benchmarks table (alias b), the same criteria as the
// store's (store/selection.hpp) over the shape's expressions, so rows without a host or status
// match as their defaults do. Validates as the store's does: malformed times and unknown statuses
// are InvalidArgument. Internal.
#include <string>

#include "benchstore/selection.hpp"
#include "central/central_query.hpp"
#include "central/central_shape.hpp"

namespace benchstore::central {

// The condition ("true" selects all); its parameters are appended to params.
std::string selection_condition(const Selection& selection, const CentralShape& shape, Params& params);

// Throws InvalidArgument naming the first requested benchmark id the server does not hold.
void require_known_ids(pg::PgConnection& conn, const Selection& selection);

} // namespace benchstore::central
