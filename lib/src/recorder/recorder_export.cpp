// MetricsRecorder::export_to_csv: the recorder hands its own benchmarks to the export (a separate file so
// that recording alone does not pull the export in).
#include "benchstore/export.hpp"
#include "benchstore/metrics_recorder.hpp"

namespace benchstore {

std::vector<std::filesystem::path> MetricsRecorder::export_to_csv(const std::filesystem::path& output_dir)
{
    ExportOptions options;
    options.db_path = db_path();
    options.output_dir = output_dir;
    options.selection.benchmark_ids = benchmark_ids();
    return export_csv(options).paths();
}

} // namespace benchstore
