#include "benchstore/export.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "benchstore/error.hpp"
#include "export/cell_spool.hpp"
#include "export/csv_file.hpp"
#include "export/export_progress.hpp"
#include "store/stats_functions.hpp"
#include "store/benchmark_rows.hpp"
#include "store/measurements_json.hpp"
#include "store/query.hpp"
#include "store/selection.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore {
namespace {

using export_::CsvFile;
using store::Column;
using store::Query;

constexpr std::array benchmark_columns{"benchmark_id", "repository",     "branch",    "commit_id",
                                       "commit_message", "metadata",     "created_at"};
constexpr std::array device_columns{"cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"};
// After every column the seed's files have, so pandas code that reads them by name keeps working.
constexpr std::array status_columns{"status", "status_reason"};

// The fixed columns of the model and summary files: a metric may not take one of these names.
std::unordered_set<std::string> fixed_columns()
{
    std::unordered_set<std::string> fixed{"time", "device_measurement_count"};
    for (const char* c : benchmark_columns) fixed.insert(c);
    for (const char* c : status_columns) fixed.insert(c);
    for (const char* c : device_columns)
        for (const char* stat : {"_mean", "_max", "_std"}) fixed.insert(std::string(c) + stat);
    return fixed;
}

// The union of metric names over the selected model rows, first seen first, and the header each
// gets. Memory grows with the number of distinct names, not with the rows.
// Header rule (export.hpp): a metric's header is its name, unless that is a fixed column of the model
// or summary file or an earlier metric's header; then "model." is put before it until it is neither.
class MetricColumns {
public:
    MetricColumns() : m_taken(fixed_columns()) {}

    // The column of name, added as the next one when it is new.
    std::size_t add(const std::string& name)
    {
        if (const auto found = m_index.find(name); found != m_index.end()) return found->second;
        m_index.emplace(name, m_names.size());
        m_names.push_back(name);
        std::string header = name;
        while (m_taken.count(header)) header = "model." + header;
        m_taken.insert(header);
        m_headers.push_back(std::move(header));
        return m_names.size() - 1;
    }
    const std::vector<std::string>& names() const { return m_names; }
    const std::vector<std::string>& headers() const { return m_headers; }

    // One row's cells, joined by commas, from the first column up to the last the row has (its names
    // are added first); returns how many that is. Names first seen come last, so a row's columns are
    // always among those known when it is read: the rest are empty cells to add at the end. A name
    // given twice keeps its last number. cells is reused from row to row.
    std::size_t join(const std::vector<store::MeasurementField>& fields, std::string& cells)
    {
        // The rows of a benchmark usually have the same names in the same order: then the previous
        // row's columns serve, without looking the names up again.
        const bool same_names =
            fields.size() == m_row_names.size() &&
            std::equal(fields.begin(), fields.end(), m_row_names.begin(),
                       [](const store::MeasurementField& f, const std::string& name) { return f.name == name; });
        if (!same_names) {
            m_row_names.resize(fields.size());
            m_row_columns.resize(fields.size());
            for (std::size_t i = 0; i < fields.size(); ++i) {
                m_row_names[i] = fields[i].name;
                m_row_columns[i] = add(fields[i].name);
            }
        }
        const std::size_t width =
            m_row_columns.empty() ? 0 : *std::max_element(m_row_columns.begin(), m_row_columns.end()) + 1;
        m_slots.assign(width, nullptr);
        for (std::size_t i = 0; i < fields.size(); ++i) m_slots[m_row_columns[i]] = &fields[i].value;
        cells.clear();
        for (std::size_t c = 0; c < width; ++c) {
            if (c) cells.push_back(',');
            if (!m_slots[c]) continue;
            // The shortest text that reads back to the same double: "100", "1e+05", "-0".
            char buf[32];
            const auto written = std::to_chars(buf, buf + sizeof buf, *m_slots[c]);
            cells.append(buf, written.ptr);
        }
        return width;
    }

private:
    std::vector<std::string> m_names;
    std::vector<std::string> m_headers;
    std::unordered_map<std::string, std::size_t> m_index;
    std::unordered_set<std::string> m_taken;
    std::vector<std::string> m_row_names;             // the last joined row's names
    std::vector<std::size_t> m_row_columns;           // and their columns
    std::vector<const double*> m_slots;               // the value of each column in the current row
};

class Exporter {
public:
    Exporter(SQLite::Database& db, const store::SelectionSql& selection, export_::ExportProgressLine& progress,
             std::unique_ptr<export_::CellSpool> spool)
        : m_db(db), m_sel(selection), m_progress(progress), m_spool(std::move(spool))
    {
    }

    void parse(std::string_view json, std::int64_t row_id)
    {
        store::read_measurements(json, row_id, m_db.getFilename(), m_fields);
    }

    std::string model_query(const char* leading_columns) const
    {
        return std::string("SELECT ") + leading_columns +
               " FROM model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref WHERE " + m_sel.condition +
               " ORDER BY m.id";
    }

    // The names pass: every selected model row is parsed here, and (with a spool) only here.
    void collect_metric_names()
    {
        Query q(m_db, model_query("m.measurements AS measurements, m.id AS id, m.benchmark_ref AS benchmark_ref"),
                m_sel.params);
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

    void write_benchmark_header(CsvFile& out)
    {
        for (const char* c : benchmark_columns) out.plain(c);
    }

    static void write_benchmark_fields(CsvFile& out, const store::BenchmarkRow& b)
    {
        out.plain(b.benchmark_id);
        for (std::string_view field : {b.repository, b.branch, b.commit_id, b.commit_message, b.metadata, b.created_at})
            out.text(field);
    }

    // running | completed | failed, and why it failed (empty otherwise).
    static void write_status_fields(CsvFile& out, const store::BenchmarkRow& b)
    {
        out.plain(b.status);
        out.text(b.status_reason);
    }

    void write_benchmarks(CsvFile& out)
    {
        write_benchmark_header(out);
        // The host that ran it (its name and its fingerprint, JSON), then the status columns, last.
        out.plain("host");
        out.plain("host_info");
        for (const char* c : status_columns) out.plain(c);
        out.end_header();
        Query q(m_db,
                std::string("SELECT ") + store::benchmark_select_list + store::host_info_select(m_db) +
                    " FROM benchmarks b WHERE " + m_sel.condition + " ORDER BY b.id",
                m_sel.params);
        const store::BenchmarkColumns benchmark(q);
        m_progress.begin(export_::ExportProgressLine::File::benchmarks);
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

    void write_devices(CsvFile& out)
    {
        out.plain("benchmark_id");
        for (const char* c : device_columns) out.plain(c);
        out.plain("time");
        out.end_header();
        // Rows in recording order; the benchmark is looked up by primary key, so the scan follows
        // the table and needs no sort however large it is.
        Query q(m_db,
                "SELECT b.benchmark_id AS benchmark_id, d.cpu_util AS cpu_util, d.mem_megabytes AS mem_megabytes, "
                "d.gpu_util AS gpu_util, d.gpu_mem_megabytes AS gpu_mem_megabytes, d.time AS time "
                "FROM device_measurements d CROSS JOIN benchmarks b ON b.id = d.benchmark_ref WHERE " +
                    m_sel.condition + " ORDER BY d.id",
                m_sel.params);
        const Column id = q.column("benchmark_id"), time = q.column("time");
        std::array<Column, device_columns.size()> values;
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = q.column(device_columns[i]);
        m_progress.begin(export_::ExportProgressLine::File::device_measurements);
        while (q.step()) {
            out.plain(q.text(id));
            for (const Column c : values) write_real(out, q, c);
            out.text(q.text(time));
            out.end_row();
            m_progress.row();
        }
    }

    void write_models(CsvFile& out)
    {
        out.plain("benchmark_id");
        out.plain("time");
        for (const auto& header : m_metrics.headers()) out.text(header);
        out.end_header();
        Query q(m_db, model_query("b.benchmark_id AS benchmark_id, m.time AS time, m.measurements AS measurements, m.id AS id"), m_sel.params);
        const Column id = q.column("benchmark_id"), time = q.column("time"), measurements = q.column("measurements"),
                     row_id = q.column("id");
        m_progress.begin(export_::ExportProgressLine::File::model_measurements);
        while (q.step()) {
            // The spool holds these rows in this order (the same query in the same read transaction).
            const std::size_t count =
                m_spool ? spooled(q.integer(row_id)) : reparse(q.text(measurements), q.integer(row_id));
            out.plain(q.text(id));
            out.text(q.text(time));
            write_metrics(out, count);
            out.end_row();
            m_progress.row();
        }
    }

    void write_summary(CsvFile& out)
    {
        write_benchmark_header(out);
        for (const auto& header : m_metrics.headers()) out.text(header);
        for (const char* c : device_columns) {
            const std::string base(c);
            out.text(base + "_mean");
            out.text(base + "_max");
            out.text(base + "_std");
            if (base == "cpu_util") out.plain("device_measurement_count");
        }
        for (const char* c : status_columns) out.plain(c);
        out.end_header();

        // Two passes over the selected device rows: m (mean, max, count), then s (the standard
        // deviation around m's mean). One summary row per model row (the seed's left merge), at
        // least one per benchmark.
        std::string first_pass = "benchmark_ref";
        std::string second_pass = "d.benchmark_ref";
        std::string stats;
        std::vector<std::string> stat_names;  // in CSV order
        for (const char* c : device_columns) {
            const std::string col(c);
            first_pass += ", benchstore_mean(" + col + ") AS " + col + "_mean, max(" + col + ") AS " + col + "_max";
            second_pass += ", benchstore_std(d." + col + ", m." + col + "_mean) AS " + col + "_std";
            stats += ", m." + col + "_mean AS " + col + "_mean, m." + col + "_max AS " + col + "_max, s." + col +
                     "_std AS " + col + "_std";
            stat_names.insert(stat_names.end(), {col + "_mean", col + "_max", col + "_std"});
            if (col == "cpu_util") {
                first_pass += ", count(cpu_util) AS device_measurement_count";
                stats += ", m.device_measurement_count AS device_measurement_count";
                stat_names.push_back("device_measurement_count");
            }
        }
        Query q(m_db,
                "WITH m AS (SELECT " + first_pass + " FROM device_measurements WHERE benchmark_ref IN "
                "(SELECT b.id FROM benchmarks b WHERE " + m_sel.condition + ") GROUP BY benchmark_ref), "
                "s AS (SELECT " + second_pass + " FROM device_measurements d JOIN m ON m.benchmark_ref = "
                "d.benchmark_ref GROUP BY d.benchmark_ref) "
                "SELECT " + store::benchmark_select_list + ", mm.measurements AS measurements, mm.id AS measurement_row" + stats +
                " FROM benchmarks b "
                "LEFT JOIN model_measurements mm ON mm.benchmark_ref = b.id "
                "LEFT JOIN m ON m.benchmark_ref = b.id LEFT JOIN s ON s.benchmark_ref = b.id "
                "WHERE " + m_sel.condition + " ORDER BY b.id, mm.id",
                store::repeat_params(m_sel, 2));
        const store::BenchmarkColumns benchmark(q);
        const Column measurements = q.column("measurements"), row_id = q.column("measurement_row");
        const Column count = q.column("device_measurement_count");
        std::vector<Column> stat_columns;
        for (const auto& name : stat_names) stat_columns.push_back(q.column(name));
        const bool spooled_rows = m_spool && m_summary_in_row_order;
        if (spooled_rows) m_spool->rewind();
        m_progress.begin(export_::ExportProgressLine::File::summary);
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

    const MetricColumns& metrics() const { return m_metrics; }

private:
    static void write_real(CsvFile& out, const Query& q, Column column)
    {
        if (q.is_null(column)) out.empty();
        else out.number(q.real(column));
    }

    // The current row's cells (m_cells, count of them), then the empty cells of the columns after.
    void write_metrics(CsvFile& out, std::size_t count)
    {
        if (count) out.plain(m_cells);  // numbers and commas: nothing to quote
        for (std::size_t c = count; c < m_metrics.names().size(); ++c) out.empty();
    }

    // Parses a row again (no spool, or the summary's rows in another order) into m_cells.
    std::size_t reparse(std::string_view json, std::int64_t row_id)
    {
        parse(json, row_id);
        return m_metrics.join(m_fields, m_cells);
    }

    // The next spooled row into m_cells; it must be row_id.
    std::size_t spooled(std::int64_t row_id)
    {
        std::int64_t spooled_id = 0;
        std::size_t count = 0;
        if (!m_spool->next(spooled_id, count, m_cells) || spooled_id != row_id)
            throw std::logic_error("export: model row " + std::to_string(row_id) + " is not the next spooled row");
        return count;
    }

    SQLite::Database& m_db;
    const store::SelectionSql& m_sel;
    export_::ExportProgressLine& m_progress;
    MetricColumns m_metrics;
    std::unique_ptr<export_::CellSpool> m_spool;       // null: parse in every pass
    bool m_summary_in_row_order = true;
    std::vector<store::MeasurementField> m_fields;  // the current row's, reused
    std::string m_cells;                            // the current row's metric cells, joined, reused
};

void create_output_dir(const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw OutputError(dir.string() + ": cannot create output folder: " + ec.message());
    if (!std::filesystem::is_directory(dir, ec))
        throw OutputError(dir.string() + ": output path is not a folder");
}

ExportResult file_names(const std::filesystem::path& dir, Timestamp time)
{
    const std::string stamp = format_file_stamp(time);
    ExportResult r;
    r.benchmarks_csv = dir / ("benchmarks_" + stamp + ".csv");
    r.device_measurements_csv = dir / ("device_measurements_" + stamp + ".csv");
    r.model_measurements_csv = dir / ("model_measurements_" + stamp + ".csv");
    r.summary_csv = dir / ("benchmark_summary_" + stamp + ".csv");
    return r;
}

// The four names for this export. When an earlier export of the same second already used them, wait
// for the next second rather than replace its files: names stay YYYYmmdd_HHMMSS and sort by time.
ExportResult pick_file_names(const ExportOptions& options)
{
    const auto taken = [](const ExportResult& r) {
        std::error_code ec;
        for (const auto& p : r.paths())
            if (std::filesystem::exists(p, ec)) return true;
        return false;
    };
    if (options.file_time) return file_names(options.output_dir, *options.file_time);
    for (;;) {
        const Timestamp now = now_utc();
        ExportResult r = file_names(options.output_dir, now);
        if (!taken(r)) return r;
        std::this_thread::sleep_until(std::chrono::floor<std::chrono::seconds>(now) + std::chrono::seconds(1));
    }
}

} // namespace

std::vector<std::filesystem::path> ExportResult::paths() const
{
    return {benchmarks_csv, device_measurements_csv, model_measurements_csv, summary_csv};
}

void remove_export_temporaries_on_signals() { remove_temporaries_on_signals(); }

ExportResult export_csv(const ExportOptions& options)
{
    const store::SelectionSql selection = store::compile_selection(options.selection);
    auto db = store::open_store(options.db_path, store::OpenMode::read_only);
    store::register_stats_functions(db);
    try {
        store::require_known_ids(db, selection);  // before anything is created: ids are never deleted
    } catch (const SQLite::Exception& e) {
        throw StoreError(options.db_path.string() + ": cannot read store: " + e.what());
    }
    create_output_dir(options.output_dir);
    remove_abandoned_temporaries(options.output_dir);  // of exports killed here before

    ExportResult result = pick_file_names(options);
    CsvFile benchmarks(result.benchmarks_csv);
    CsvFile devices(result.device_measurements_csv);
    CsvFile models(result.model_measurements_csv);
    CsvFile summary(result.summary_csv);
    export_::ExportProgressLine progress(db, selection, options.show_progress == ShowProgress::on_terminal);
    Exporter exporter(db, selection, progress, export_::CellSpool::create(options.output_dir));
    try {
        // One read transaction: every query below sees the same snapshot of the WAL store.
        store::with_read_transaction(db, [&] {
            exporter.collect_metric_names();
            exporter.write_benchmarks(benchmarks);
            exporter.write_devices(devices);
            exporter.write_models(models);
            exporter.write_summary(summary);
        });
        progress.finish();
    } catch (const SQLite::Exception& e) {
        throw StoreError(options.db_path.string() + ": cannot read store: " + e.what());
    }

    for (CsvFile* f : {&benchmarks, &devices, &models, &summary}) f->sync();
    // All four or none: a name taken meanwhile (another export in the same second) undoes the set.
    std::vector<CsvFile*> published;
    try {
        for (CsvFile* f : {&benchmarks, &devices, &models, &summary}) {
            f->publish();
            published.push_back(f);
        }
    } catch (...) {
        for (CsvFile* f : published) f->unpublish();
        throw;
    }
    sync_directory(options.output_dir);

    result.benchmark_rows = benchmarks.rows();
    result.device_measurement_rows = devices.rows();
    result.model_measurement_rows = models.rows();
    result.summary_rows = summary.rows();
    result.metric_names = exporter.metrics().names();
    result.metric_headers = exporter.metrics().headers();
    return result;
}

} // namespace benchstore
