#pragma once
// SQL aggregates for the summary statistics, registered on one connection:
//   benchstore_mean(x)  mean with Neumaier-compensated summation (as pandas' groupby mean compensates)
//   benchstore_std(x, mean)  sample standard deviation (n-1) as the second pass of the two-pass
//                       algorithm: sqrt(sum((x - mean)^2) / (n - 1)) with a compensated sum, given the
//                       mean from a first pass. Numerically stable, unlike E[x^2]-E[x]^2 (and more
//                       accurate than a one-pass Welford update when the mean is large against the
//                       spread). NULL for fewer than two values.
// Both skip NULL x and return NULL when no value remains, as pandas does.
#include <SQLiteCpp/Database.h>

namespace benchstore::store {

// Throws StoreError if SQLite refuses the registration.
void register_stats_functions(SQLite::Database& db);

} // namespace benchstore::store
