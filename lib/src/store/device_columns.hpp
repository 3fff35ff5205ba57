#pragma once
// The value columns of device_measurements, in the table's order (export's files and the summary's
// statistics list them in this order). Internal to the library.
#include <array>

namespace benchstore::store {

inline constexpr std::array<const char*, 4> device_value_columns{"cpu_util", "mem_megabytes", "gpu_util",
                                                                 "gpu_mem_megabytes"};

} // namespace benchstore::store
