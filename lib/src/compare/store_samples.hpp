#pragma once
// Compare's reads from a SQLite store: the benchmarks each side selects (side_selection.hpp) and
// their samples, fed to the shared SampleCollector. Internal to compare.
#include <array>
#include <cstdint>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "compare/samples.hpp"

namespace benchstore::compare_ {

// Reads the benchmarks refs[side] selects (local row ids), base side first, their model rows and
// device figures into collector, and finishes it. Throws StoreError for a malformed measurements
// row or a read failure.
void load_store_samples(SQLite::Database& db, const std::array<std::vector<std::int64_t>, 2>& refs,
                        SampleCollector& collector);

} // namespace benchstore::compare_
