#pragma once
// The fixed columns of export's files, as the seed's files name them (pandas code reads them by name).
// Internal to export.
#include <array>

#include "store/device_columns.hpp"

namespace benchstore::export_ {

inline constexpr std::array benchmark_columns{"benchmark_id",   "repository", "branch",    "commit_id",
                                              "commit_message", "metadata",   "created_at"};
inline constexpr const auto& device_columns = store::device_value_columns;
// After every column the seed's files have, so pandas code that reads them by name keeps working.
inline constexpr std::array status_columns{"status", "status_reason"};

} // namespace benchstore::export_
