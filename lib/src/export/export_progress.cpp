#include "export/export_progress.hpp"

#include <cstdio>
#include <string>

#include "store/selected_rows.hpp"

namespace benchstore::export_ {
namespace {

// The rows each file will hold for the selection: the rows of the store's read that writes it.
store::SelectedRows rows_of(ExportProgressLine::File file)
{
    switch (file) {
    case ExportProgressLine::File::benchmarks: return store::SelectedRows::benchmarks;
    case ExportProgressLine::File::device_measurements: return store::SelectedRows::device_rows;
    case ExportProgressLine::File::model_measurements: return store::SelectedRows::model_rows;
    case ExportProgressLine::File::summary: return store::SelectedRows::summary_rows;
    }
    return store::SelectedRows::benchmarks;
}

const char* file_name(ExportProgressLine::File file)
{
    switch (file) {
    case ExportProgressLine::File::benchmarks: return "benchmarks";
    case ExportProgressLine::File::device_measurements: return "device_measurements";
    case ExportProgressLine::File::model_measurements: return "model_measurements";
    case ExportProgressLine::File::summary: return "benchmark_summary";
    }
    return "";
}

} // namespace

ExportProgressLine::ExportProgressLine(SQLite::Database& db, const store::SelectionSql& selection, bool enabled)
    : m_db(db), m_sel(selection)
{
    if (!enabled) return;
    auto line = std::make_unique<ProgressLine>(stdout);
    if (line->enabled()) m_line = std::move(line);
}

void ExportProgressLine::begin(File file)
{
    if (!m_line) return;
    m_what = file_name(file);
    m_done = 0;
    m_total = store::count_selected(m_db, m_sel, rows_of(file));
    m_start = std::chrono::steady_clock::now();
    show(ProgressLine::Force::yes);
}

void ExportProgressLine::show(ProgressLine::Force force)
{
    const auto now = std::chrono::steady_clock::now();
    m_line->update(format_progress(m_what, m_done, m_total, std::chrono::duration<double>(now - m_start).count()), force,
                   now);
}

void ExportProgressLine::finish()
{
    if (m_line) m_line->clear();
}

} // namespace benchstore::export_
