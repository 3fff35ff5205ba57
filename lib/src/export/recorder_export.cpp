// MetricsRecorder::export_to_csv, declared with the recorder and defined here with the export.
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
