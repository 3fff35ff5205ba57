#pragma once
// Export's summary rows: each selected benchmark with its model rows (one row per model row, at least
// one per benchmark: the seed's left merge) and the statistics of its device rows. Internal to the
// library. Needs register_stats_functions(db) (benchstore_mean, benchstore_std).
#include <SQLiteCpp/Database.h>

#include "store/query.hpp"
#include "store/selection.hpp"

namespace benchstore::store {

// By benchmark id, then model row id. Columns: benchmark_select_list's (BenchmarkColumns); measurements
// and measurement_row (the model row's JSON and id; NULL for a benchmark without model rows); for each
// of device_value_columns C: C_mean, C_max and C_std (NULL without device rows); and
// device_measurement_count. Two passes over the selected device rows: the mean, maximum and count,
// then the standard deviation around that mean. Throws StoreError.
Query benchmark_summary_rows(SQLite::Database& db, const SelectionSql& sel);

} // namespace benchstore::store
