// The public entry of export: the four files' names, the one read snapshot they are written from
// (export/exporter.hpp), and their publication, all four or none.
#include "benchstore/export.hpp"

#include <chrono>
#include <memory>
#include <thread>

#include "benchstore/error.hpp"
#include "export/cell_spool.hpp"
#include "export/csv_file.hpp"
#include "export/export_progress.hpp"
#include "export/exporter.hpp"
#include "store/selection.hpp"
#include "store/sqlite_store.hpp"
#include "store/stats_functions.hpp"
#include "store/transaction.hpp"

namespace benchstore {
namespace {

using export_::CsvFile;

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
    // One thread reads the store from start to end: no SQLite mutex around every column read.
    auto db = store::open_store(options.db_path, store::OpenMode::read_only, store::Threads::one_at_a_time);
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
    export_::Exporter exporter(db, selection, progress, export_::CellSpool::create(options.output_dir));
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
