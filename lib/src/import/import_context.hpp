#pragma once
// What every format's reader writes through: the benchmarks, rows and statuses of one file, inside
// the file's one transaction, with the store's writers. It fills in what all formats share: the
// repository, branch and commit (options first, then the file), the run id grouping the file, the
// link to the import ledger, and the checks the recorder makes (finite values, UTF-8 text).
// Internal to the import.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/import.hpp"
#include "store/benchmark_writer.hpp"
#include "store/import_ledger.hpp"
#include "store/measurement_writer.hpp"

namespace benchstore::import {

using Strings = std::vector<std::pair<std::string, std::string>>;
using Numbers = std::vector<std::pair<std::string, double>>;

class ImportContext {
public:
    ImportContext(SQLite::Database& db, const ImportOptions& options, const std::filesystem::path& file,
                  std::int64_t import_ref, std::string run_id, ImportResult& result);

    const std::filesystem::path& file() const { return m_file; }

    // What the file says; the options win over each. Set before the first benchmark is created.
    std::optional<std::string> repository, branch, commit_id, commit_message;
    std::string host = "unknown";  // the machine the file describes
    Strings host_info;             // its fingerprint (benchmarks.host_info)
    std::string module;            // benchmarks.module: the format's name
    std::string file_time;         // the time the file states (UTC text); empty = none
    Strings details;               // about the run beyond the fingerprint: the ledger's details column

    // Creates a benchmark (running) created at `created_at` (empty: the file's time, else now).
    // Throws InvalidArgument when a required value (repository, branch, commit) is given nowhere, or a
    // text is not valid UTF-8.
    std::int64_t create_benchmark(const Strings& metadata, const std::string& created_at = {});

    // One model row, queued (see flush()); where() names the row in messages (called only for one:
    // building the name for each of a million rows would cost more than the row). Throws
    // InvalidArgument for an empty set, an empty or repeated name, a non-finite value.
    void add_model_row(std::int64_t ref, const Numbers& measurements, const std::string& time,
                       const std::function<std::string()>& where);
    void add_device_row(std::int64_t ref, const store::DeviceRow& row, const std::string& time);

    // Writes the model rows still queued (they are written in batches): before the transaction commits.
    void flush();

    // Settles a benchmark: completed, or failed with reason (non-empty).
    void finish_benchmark(std::int64_t ref, const std::string& failure_reason, const std::string& time);

    // Changes the time `from` to `to` on every row this import wrote (benchmarks, status changes,
    // measurements): for a file whose stated time turns out, at its end, to be another than assumed.
    void restamp(const std::string& from, const std::string& to);

    void warn(const std::string& line) { m_result.warnings.push_back(m_file.string() + ": " + line); }

    // The time rows get when the file says nothing more precise.
    const std::string& default_time() const { return file_time.empty() ? m_now : file_time; }

private:
    std::string required(const std::optional<std::string>& option, const std::optional<std::string>& from_file,
                         const char* what, const char* flag) const;

    SQLite::Database& m_db;
    const ImportOptions& m_options;
    std::filesystem::path m_file;
    std::int64_t m_import_ref;
    std::string m_run_id;
    ImportResult& m_result;
    store::BenchmarkWriter m_benchmarks;
    store::MeasurementWriter m_measurements;
    std::string m_now;
    std::string m_json;  // scratch for a row's measurements
};

} // namespace benchstore::import
