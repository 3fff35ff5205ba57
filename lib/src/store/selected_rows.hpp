#pragma once
// The rows a Selection picks from each table, in the order export writes them, and how many each read
// returns (export's progress line). Each read returns a Query before its first row; the caller reads
// its columns by the names listed here, resolved once before its row loop:
//
//     Query q = selected_device_rows(db, sel);
//     const Column id = q.column("benchmark_id"), time = q.column("time");
//     while (q.step()) use(q.text(id), q.text(time));
//
// A new read of a selection goes here, beside the count of the rows it returns. Internal to the library.
// Throws StoreError.
#include <cstdint>

#include <SQLiteCpp/Database.h>

#include "store/query.hpp"
#include "store/selection.hpp"

namespace benchstore::store {

// The selected benchmarks by id: benchmark_select_list's columns and host_info (BenchmarkColumns).
Query selected_benchmarks(SQLite::Database& db, const SelectionSql& sel);

// Their device rows in recording order: benchmark_id, device_value_columns, time. The benchmark is
// looked up by primary key, so the scan follows the table and needs no sort however large it is.
Query selected_device_rows(SQLite::Database& db, const SelectionSql& sel);

// Their model rows by id, two ways (the same rows in the same order, as export's spool relies on):
// for the metric names pass, measurements, id and benchmark_ref;
Query selected_model_metrics(SQLite::Database& db, const SelectionSql& sel);
// for the model file, benchmark_id, time, measurements and id.
Query selected_model_rows(SQLite::Database& db, const SelectionSql& sel);

// What count_selected counts: the rows of each read above, and the summary's (benchmark_summary.hpp).
enum class SelectedRows { benchmarks, device_rows, model_rows, summary_rows };

// The number of rows that read returns for the selection.
std::int64_t count_selected(SQLite::Database& db, const SelectionSql& sel, SelectedRows rows);

} // namespace benchstore::store
