#pragma once
// Reads of the benchmarks a list of local row ids (benchmarks.id) names, as compare's sides hold them:
// the benchmarks, their model rows, and per benchmark the figures of its device rows. Each returns a
// Query before its first row, read by the column names listed here. Internal to the library.
// Throws StoreError.
#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/query.hpp"

namespace benchstore::store {

// The list as the reads below take it (a JSON array, for json_each): made once, read three times.
class BenchmarkRefs {
public:
    explicit BenchmarkRefs(const std::vector<std::int64_t>& refs);
    const std::string& json() const { return m_json; }

private:
    std::string m_json;
};

// By id: benchmark_select_list's columns and host_info (BenchmarkColumns).
Query listed_benchmarks(SQLite::Database& db, const BenchmarkRefs& refs);

// Their model rows by id: benchmark_ref, measurements, id.
Query listed_model_rows(SQLite::Database& db, const BenchmarkRefs& refs);

// One row per benchmark with device rows, by benchmark_ref: benchmark_ref, peak_rss, cpu_mean, gpu_mean,
// peak_gpu_mem. Aggregated in SQL over the benchmark's rows (index on benchmark_ref): memory does not
// grow with the rows. Needs register_stats_functions(db) (benchstore_mean).
Query listed_device_figures(SQLite::Database& db, const BenchmarkRefs& refs);

} // namespace benchstore::store
