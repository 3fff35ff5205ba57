#include "export/exporter.hpp"

#include <array>
#include <stdexcept>

#include "export/file_columns.hpp"
#include "store/benchmark_rows.hpp"
#include "store/benchmark_summary.hpp"
#include "store/selected_rows.hpp"

namespace benchstore::export_ {
namespace {

using store::Column;
using store::Query;

void write_benchmark_header(CsvFile& out)
{
    for (const char* c : benchmark_columns) out.plain(c);
}

void write_benchmark_fields(CsvFile& out, const store::BenchmarkRow& b)
{
    out.plain(b.benchmark_id);
    for (std::string_view field : {b.repository, b.branch, b.commit_id, b.commit_message, b.metadata, b.created_at})
        out.text(field);
}

// running | completed | failed, and why it failed (empty otherwise).
void write_status_fields(CsvFile& out, const store::BenchmarkRow& b)
{
    out.plain(b.status);
    out.text(b.status_reason);
}

void write_real(CsvFile& out, const Query& q, Column column)
{
    if (q.is_null(column)) out.empty();
    else out.number(q.real(column));
}

} // namespace

Exporter::Exporter(SQLite::Database& db, const store::SelectionSql& selection, ExportProgressLine& progress,
                   std::unique_ptr<CellSpool> spool)
    : m_db(db), m_sel(selection), m_progress(progress), m_spool(std::move(spool))
{
}

void Exporter::parse(std::string_view json, std::int64_t row_id)
{
    store::read_measurements(json, row_id, m_db.getFilename(), m_fields);
}

void Exporter::collect_metric_names()
{
    Query q = store::selected_model_metrics(m_db, m_sel);
    const Column measurements = q.column("measurements"), id = q.column("id"), ref = q.column("benchmark_ref");
    std::int64_t last_ref = 0;
    while (q.step()) {
        const std::int64_t row_id = q.integer(id);
        parse(q.text(measurements), row_id);
        const std::size_t count = m_metrics.join(m_fields, m_cells);
        if (m_spool) m_spool->append(row_id, count, m_cells);
        // The summary lists the rows by benchmark, then id: the same order while the benchmarks'
        // ids never go down from one row to the next.
        if (q.integer(ref) < last_ref) m_summary_in_row_order = false;
        last_ref = q.integer(ref);
    }
    if (m_spool) m_spool->rewind();
}

void Exporter::write_benchmarks(CsvFile& out)
{
    write_benchmark_header(out);
    // The host that ran it (its name and its fingerprint, JSON), then the status columns, last.
    out.plain("host");
    out.plain("host_info");
    for (const char* c : status_columns) out.plain(c);
    out.end_header();
    Query q = store::selected_benchmarks(m_db, m_sel);
    const store::BenchmarkColumns benchmark(q);
    m_progress.begin(ExportProgressLine::File::benchmarks);
    while (q.step()) {
        const store::BenchmarkRow row = benchmark.read(q);
        write_benchmark_fields(out, row);
        out.text(row.host);
        out.text(row.host_info);
        write_status_fields(out, row);
        out.end_row();
        m_progress.row();
    }
}

void Exporter::write_devices(CsvFile& out)
{
    out.plain("benchmark_id");
    for (const char* c : device_columns) out.plain(c);
    out.plain("time");
    out.end_header();
    Query q = store::selected_device_rows(m_db, m_sel);
    const Column id = q.column("benchmark_id"), time = q.column("time");
    std::array<Column, device_columns.size()> values;
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = q.column(device_columns[i]);
    m_progress.begin(ExportProgressLine::File::device_measurements);
    while (q.step()) {
        out.plain(q.text(id));
        for (const Column c : values) write_real(out, q, c);
        out.text(q.text(time));
        out.end_row();
        m_progress.row();
    }
}

void Exporter::write_models(CsvFile& out)
{
    out.plain("benchmark_id");
    out.plain("time");
    for (const auto& header : m_metrics.headers()) out.text(header);
    out.end_header();
    Query q = store::selected_model_rows(m_db, m_sel);
    const Column id = q.column("benchmark_id"), time = q.column("time"), measurements = q.column("measurements"),
                 row_id = q.column("id");
    m_progress.begin(ExportProgressLine::File::model_measurements);
    while (q.step()) {
        // The spool holds these rows in this order (the same rows in the same read transaction).
        const std::size_t count =
            m_spool ? spooled(q.integer(row_id)) : reparse(q.text(measurements), q.integer(row_id));
        out.plain(q.text(id));
        out.text(q.text(time));
        write_metrics(out, count);
        out.end_row();
        m_progress.row();
    }
}

void Exporter::write_summary(CsvFile& out)
{
    write_benchmark_header(out);
    for (const auto& header : m_metrics.headers()) out.text(header);
    std::vector<std::string> stat_names;  // in CSV order
    for (const char* c : device_columns) {
        const std::string base(c);
        for (const char* stat : {"_mean", "_max", "_std"}) {
            stat_names.push_back(base + stat);
            out.text(stat_names.back());
        }
        if (base == "cpu_util") {
            stat_names.push_back("device_measurement_count");
            out.plain(stat_names.back());
        }
    }
    for (const char* c : status_columns) out.plain(c);
    out.end_header();

    // One summary row per model row (the seed's left merge), at least one per benchmark.
    Query q = store::benchmark_summary_rows(m_db, m_sel);
    const store::BenchmarkColumns benchmark(q);
    const Column measurements = q.column("measurements"), row_id = q.column("measurement_row");
    const Column count = q.column("device_measurement_count");
    std::vector<Column> stat_columns;
    for (const auto& name : stat_names) stat_columns.push_back(q.column(name));
    const bool spooled_rows = m_spool && m_summary_in_row_order;
    if (spooled_rows) m_spool->rewind();
    m_progress.begin(ExportProgressLine::File::summary);
    while (q.step()) {
        const store::BenchmarkRow row = benchmark.read(q);
        write_benchmark_fields(out, row);
        std::size_t cells = 0;
        if (q.is_null(measurements)) m_cells.clear();
        else if (spooled_rows) cells = spooled(q.integer(row_id));
        else cells = reparse(q.text(measurements), q.integer(row_id));
        write_metrics(out, cells);
        for (const Column c : stat_columns) {
            if (c == count) out.integer(q.is_null(c) ? 0 : q.integer(c));
            else write_real(out, q, c);
        }
        write_status_fields(out, row);
        out.end_row();
        m_progress.row();
    }
}

// The current row's cells (m_cells, count of them), then the empty cells of the columns after.
void Exporter::write_metrics(CsvFile& out, std::size_t count)
{
    if (count) out.plain(m_cells);  // numbers and commas: nothing to quote
    for (std::size_t c = count; c < m_metrics.names().size(); ++c) out.empty();
}

// Parses a row again (no spool, or the summary's rows in another order) into m_cells.
std::size_t Exporter::reparse(std::string_view json, std::int64_t row_id)
{
    parse(json, row_id);
    return m_metrics.join(m_fields, m_cells);
}

// The next spooled row into m_cells; it must be row_id.
std::size_t Exporter::spooled(std::int64_t row_id)
{
    std::int64_t spooled_id = 0;
    std::size_t count = 0;
    if (!m_spool->next(spooled_id, count, m_cells) || spooled_id != row_id)
        throw std::logic_error("export: model row " + std::to_string(row_id) + " is not the next spooled row");
    return count;
}

} // namespace benchstore::export_
