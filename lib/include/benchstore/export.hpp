#pragma once
// CSV export: the seed's four files (benchmarks, device measurements, model measurements and the
// benchmark summary), derived from SQL queries over a local store.
//
// The store is opened read-only and never changed. The whole export reads one snapshot (one read
// transaction; WAL), so a benchmark writing to the same file at the same time never tears it. Rows
// stream from SQLite to buffered files: memory does not grow with the store. The summary statistics
// are SQL aggregates: a compensated mean, then a second pass for the sum of squared deviations.
// Each file is written under a hidden temporary name in the output folder and renamed to its final
// name only once all four are complete and flushed to disk, so an interrupted export never leaves a
// half-written file under a final name.
// A file is never replaced: when an earlier export already used this second's names in the folder,
// the export waits for the next second (with a fixed file_time it throws OutputError instead).
//
// Files, one timestamp YYYYmmdd_HHMMSS (UTC) in every name:
//   benchmarks_{ts}.csv           benchmark_id,repository,branch,commit_id,commit_message,metadata,created_at
//   device_measurements_{ts}.csv  benchmark_id,cpu_util,mem_megabytes,gpu_util,gpu_mem_megabytes,time
//   model_measurements_{ts}.csv   benchmark_id,time,<metric names: union over the selection, first seen first>
//   benchmark_summary_{ts}.csv    the benchmark columns, the metric columns, then for cpu_util,
//                                 mem_megabytes, gpu_util, gpu_mem_megabytes: _mean, _max, _std (sample,
//                                 n-1), with device_measurement_count after cpu_util_std.
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

#include "benchstore/selection.hpp"
#include "benchstore/timestamp.hpp"

namespace benchstore {

// Which benchmarks to export: a Selection (benchstore/selection.hpp). Measurement rows follow their
// benchmark.
using ExportSelection = Selection;

// Everything one export needs. Plain struct: fill it and call export_csv.
struct ExportOptions {
    std::filesystem::path db_path = "benchmarks.db";        // must exist; opened read-only
    std::filesystem::path output_dir = "benchmark_results";  // created (with parents) if missing
    ExportSelection selection;                               // default: every benchmark
    // Time for the YYYYmmdd_HHMMSS in the file names. Empty = now (UTC).
    std::optional<Timestamp> file_time;
};

// What an export wrote. The four paths always exist after a successful export (headers only when
// the selection is empty).
struct ExportResult {
    std::filesystem::path benchmarks_csv;
    std::filesystem::path device_measurements_csv;
    std::filesystem::path model_measurements_csv;
    std::filesystem::path summary_csv;
    std::uint64_t benchmark_rows = 0;           // data rows, header not counted
    std::uint64_t device_measurement_rows = 0;
    std::uint64_t model_measurement_rows = 0;
    std::uint64_t summary_rows = 0;             // one per model row, at least one per benchmark
    std::vector<std::string> metric_names;      // the model metric columns, in order

    // The four paths in the seed's order: benchmarks, device, model, summary.
    std::vector<std::filesystem::path> paths() const;
};

// Writes the four files for options.selection. Throws:
//   StoreError (or NewerSchemaError) when the store is missing, not a benchstore store, from another
//     version, or cannot be read;
//   InvalidArgument for an unknown benchmark id, a malformed since/until or an unknown status;
//   OutputError when the output folder cannot be created or a file cannot be written.
// On a throw no final file is created or replaced and no temporary file is left behind.
ExportResult export_csv(const ExportOptions& options);

} // namespace benchstore
