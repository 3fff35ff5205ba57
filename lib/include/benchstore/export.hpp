#pragma once
// CSV export: the seed's four files (benchmarks, device measurements, model measurements and the
// benchmark summary), derived from SQL queries over a local store.
//
// The store is opened read-only and never changed. The whole export reads one snapshot (one read
// transaction; WAL), so a benchmark writing to the same file at the same time never tears it. Rows
// stream from SQLite to buffered files: memory does not grow with the store. The summary statistics
// are SQL aggregates: a compensated mean, then a second pass for the sum of squared deviations
// (corrected two-pass): the mean is within one ulp of exact, the std within a relative 1e-14.
// Each file is written under a hidden temporary name in the output folder and renamed to its final
// name only once all four are complete and flushed to disk, so an interrupted export never leaves a
// half-written file under a final name, and (with remove_export_temporaries_on_signals) no temporary
// file after a signal.
// A file is never replaced: when an earlier export already used this second's names in the folder,
// the export waits for the next second (with a fixed file_time it throws OutputError instead).
//
// Files, one timestamp YYYYmmdd_HHMMSS (UTC) in every name:
//   benchmarks_{ts}.csv           benchmark_id,repository,branch,commit_id,commit_message,metadata,created_at,
//                                 status,status_reason
//   device_measurements_{ts}.csv  benchmark_id,cpu_util,mem_megabytes,gpu_util,gpu_mem_megabytes,time
//   model_measurements_{ts}.csv   benchmark_id,time,<metric columns: union over the selection, first seen first>
//   benchmark_summary_{ts}.csv    the seed's benchmark columns, the metric columns, then for cpu_util,
//                                 mem_megabytes, gpu_util, gpu_mem_megabytes: _mean, _max, _std (sample,
//                                 n-1), with device_measurement_count after cpu_util_std; then
//                                 status,status_reason
// status (running, completed, failed) and status_reason (why it failed; empty otherwise) come after
// every column the seed's files have, so pandas code that reads those columns keeps working.
// Metric columns: every header in a file is unique. A metric's header is its name, unless that name
// is a fixed column of the model or summary file (time, benchmark_id, repository, cpu_util_mean,
// status, ...) or an earlier metric's header; then "model." is put before it until it is neither
// (a metric "time" gets the column "model.time"; a later metric named "model.time" gets
// "model.model.time"). Deterministic: it depends only on the names in first-seen order.
// Format: UTF-8, RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled),
// "\n" line ends as pandas writes them on Linux, numbers as the shortest text that reads back to the
// same double, empty fields where a value is absent (NULL GPU values, a metric a row lacks, the
// statistics of a benchmark without device rows, the std of a single row).
//
// Thread safety: export_csv is reentrant; concurrent exports of the same store are fine.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "benchstore/api.hpp"
#include "benchstore/selection.hpp"
#include "benchstore/show_progress.hpp"
#include "benchstore/timestamp.hpp"

namespace benchstore {

// Which benchmarks to export: a Selection (benchstore/selection.hpp). Measurement rows follow their
// benchmark.
using ExportSelection = Selection;

// Progress while exporting (see ExportOptions::show_progress): the one ShowProgress of every call; the
// earlier name stays for source compatibility.
using ExportProgress = ShowProgress;

// Everything one export needs. Plain struct: fill it and call export_csv.
struct ExportOptions {
    std::filesystem::path db_path = "benchmarks.db";        // must exist; opened read-only
    std::filesystem::path output_dir = "benchmark_results";  // created (with parents) if missing
    ExportSelection selection;                               // default: every benchmark
    // Time for the YYYYmmdd_HHMMSS in the file names. Empty = now (UTC).
    std::optional<Timestamp> file_time;
    // ShowProgress::on_terminal: while exporting, one line on standard output rewritten in place
    // ("device_measurements 120,000/1,000,000 rows (12%), 900,000 rows/s, 880,000 left, ~1 s"), per
    // file, cleared at the end; when standard output is not a terminal nothing is written at all.
    // Counting the rows for it costs one extra pass over the index, only when shown.
    ShowProgress show_progress = ShowProgress::no;
};

// What an export wrote. The four paths always exist after a successful export (headers only when
// the selection is empty).
struct BENCHSTORE_API ExportResult {
    std::filesystem::path benchmarks_csv;
    std::filesystem::path device_measurements_csv;
    std::filesystem::path model_measurements_csv;
    std::filesystem::path summary_csv;
    std::uint64_t benchmark_rows = 0;           // data rows, header not counted
    std::uint64_t device_measurement_rows = 0;
    std::uint64_t model_measurement_rows = 0;
    std::uint64_t summary_rows = 0;             // one per model row, at least one per benchmark
    std::vector<std::string> metric_names;      // the model metrics, in column order
    std::vector<std::string> metric_headers;    // their column headers (see the header rule above)

    // The four paths in the seed's order: benchmarks, device, model, summary.
    std::vector<std::filesystem::path> paths() const;
};

// Writes the four files for options.selection. Throws:
//   StoreError (or NewerSchemaError) when the store is missing, not a benchstore store, from another
//     version, or cannot be read;
//   InvalidArgument for an unknown benchmark id, a malformed since/until or an unknown status;
//   OutputError when the output folder cannot be created or a file cannot be written.
// On a throw no final file is created or replaced and no temporary file is left behind.
BENCHSTORE_API ExportResult export_csv(const ExportOptions& options);

// For a program whose whole job is exporting (benchstore-export): makes SIGINT, SIGTERM and SIGHUP
// remove the temporary files of the exports in progress, then end the process with that signal (exit
// status 128 + N in a shell). Temporaries a killed export (kill -9) left behind are removed by the next
// export into the same folder (export_csv does that first), never those of a live export. Process-wide:
// call once, from main, before exporting.
BENCHSTORE_API void remove_export_temporaries_on_signals();

} // namespace benchstore
