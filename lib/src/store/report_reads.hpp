#pragma once
// What the report reads of a selection from the store: its overview, its benchmarks with their row
// counts, the model values as trend points, and the device rows of its newest benchmarks. Reads that
// return rows return a Query before its first row, read by the column names listed here. The results
// source over the store (results/store_results.cpp) turns them into the report's shapes. Internal to
// the library. Throws StoreError.
#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/query.hpp"
#include "store/selection.hpp"

namespace benchstore::store {

// One row: commits (distinct), first_created, last_created, benchmarks, completed, failed, running.
Query selection_overview(SQLite::Database& db, const SelectionSql& sel);

// The distinct values of a benchmarks text column among the selected benchmarks, sorted.
enum class BenchmarkText { repository, branch, host };
std::vector<std::string> distinct_values(SQLite::Database& db, const SelectionSql& sel, BenchmarkText column);

// The selected benchmarks' rows of a measurement table.
enum class MeasurementTable { device_measurements, model_measurements };
std::int64_t count_measurements(SQLite::Database& db, const SelectionSql& sel, MeasurementTable table);

// The selected benchmarks by id (report_benchmarks), or the one with local row id ref
// (report_benchmark): benchmark_select_list's columns (BenchmarkColumns), metadata_label (metadata as
// "key=value, key=value" in stored order; the stored text when it is not a JSON object), device_rows
// and model_rows (counts).
Query report_benchmarks(SQLite::Database& db, const SelectionSql& sel);
Query report_benchmark(SQLite::Database& db, std::int64_t ref);

// Every metric value of the selected model rows, by metric, host, module, metadata_label, time, row:
// metric, host, module ('' when none), metadata_label, commit_id, time, value. SQLite sorts in bounded
// memory (spilling to temporary files), so this streams too. Needs register_measurements_table(db).
Query trend_points(SQLite::Database& db, const SelectionSql& sel);

// The local row ids of the newest `limit` selected benchmarks that have device rows, newest first.
std::vector<std::int64_t> newest_with_device_rows(SQLite::Database& db, const SelectionSql& sel, std::uint32_t limit);

// The device rows of the benchmark with local row id ref, in recording order: device_value_columns, time.
Query device_rows_of(SQLite::Database& db, std::int64_t ref);

} // namespace benchstore::store
