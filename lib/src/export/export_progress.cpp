#include "export/export_progress.hpp"

#include <cstdio>
#include <string>

#include "store/query.hpp"

namespace benchstore::export_ {
namespace {

// The rows each file will hold for the selection (the summary: one per model row, at least one per
// benchmark, as its LEFT JOIN gives).
std::string count_sql(ExportProgressLine::File file, const std::string& condition)
{
    switch (file) {
    case ExportProgressLine::File::benchmarks:
        return "SELECT count(*) FROM benchmarks b WHERE " + condition;
    case ExportProgressLine::File::device_measurements:
        return "SELECT count(*) FROM device_measurements d CROSS JOIN benchmarks b ON b.id = d.benchmark_ref WHERE " +
               condition;
    case ExportProgressLine::File::model_measurements:
        return "SELECT count(*) FROM model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref WHERE " + condition;
    case ExportProgressLine::File::summary:
        return "SELECT count(*) FROM benchmarks b LEFT JOIN model_measurements mm ON mm.benchmark_ref = b.id WHERE " +
               condition;
    }
    return {};
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
    m_total = store::query_integer(m_db, count_sql(file, m_sel.condition), m_sel.params);
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
