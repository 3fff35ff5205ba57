#pragma once
// The four CSV files of one export, written from one read snapshot (the caller's transaction): the
// metric names pass first (every selected model row parsed once, its cells kept in the spool), then
// the benchmarks, device rows, model rows and summary files. Internal to export. Not thread-safe.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "export/cell_spool.hpp"
#include "export/csv_file.hpp"
#include "export/export_progress.hpp"
#include "export/metric_columns.hpp"
#include "store/measurements_json.hpp"
#include "store/selection.hpp"

namespace benchstore::export_ {

class Exporter {
public:
    // spool: where the names pass keeps each model row's cells; null: parse in every pass.
    Exporter(SQLite::Database& db, const store::SelectionSql& selection, ExportProgressLine& progress,
             std::unique_ptr<CellSpool> spool);

    // The names pass: every selected model row is parsed here, and (with a spool) only here. First.
    void collect_metric_names();
    void write_benchmarks(CsvFile& out);
    void write_devices(CsvFile& out);
    void write_models(CsvFile& out);
    void write_summary(CsvFile& out);

    const MetricColumns& metrics() const { return m_metrics; }

private:
    void parse(std::string_view json, std::int64_t row_id);
    void write_metrics(CsvFile& out, std::size_t count);
    std::size_t reparse(std::string_view json, std::int64_t row_id);
    std::size_t spooled(std::int64_t row_id);

    SQLite::Database& m_db;
    const store::SelectionSql& m_sel;
    ExportProgressLine& m_progress;
    MetricColumns m_metrics;
    std::unique_ptr<CellSpool> m_spool;  // null: parse in every pass
    bool m_summary_in_row_order = true;
    std::vector<store::MeasurementField> m_fields;  // the current row's, reused
    std::string m_cells;                            // the current row's metric cells, joined, reused
};

} // namespace benchstore::export_
