#pragma once
// The one writer of the two measurement tables (device_measurements, model_measurements). The
// recorder and benchstore-import write rows through it, with statements prepared once per
// connection. The caller holds the transaction and has checked the values (finite, names given).
// Internal to the library.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace benchstore::store {

// One device_measurements row; an empty value is stored as NULL (never a fake 0).
struct DeviceRow {
    std::optional<double> cpu_util;
    std::optional<double> mem_megabytes;
    std::optional<double> gpu_util;
    std::optional<double> gpu_mem_megabytes;
};

class MeasurementWriter {
public:
    explicit MeasurementWriter(SQLite::Database& db);

    // Throws SQLite::Exception.
    void insert_device(std::int64_t benchmark_ref, const DeviceRow& row, const std::string& time);

    // measurements: a compact JSON object of name -> finite number (json_object_of_numbers).
    // Throws SQLite::Exception.
    void insert_model(std::int64_t benchmark_ref, const std::string& measurements, const std::string& time);

    // Model rows for a bulk writer (benchstore-import): queued, and written model_batch_rows at a time
    // by one multi-row INSERT, which costs far less than as many one-row INSERTs (the statement's
    // cursors opened, its constraints settled once for all its rows). Rows are written in the order queued;
    // the caller calls flush_models() before anything reads or changes them and before its commit.
    // Throws SQLite::Exception.
    void queue_model(std::int64_t benchmark_ref, const std::string& measurements, const std::string& time);
    void flush_models();

private:
    struct QueuedModel {
        std::int64_t ref = 0;
        std::string measurements, time;  // kept (with their capacity) for the next rows: no malloc per row
    };
    static constexpr std::size_t model_batch_rows = 64;

    SQLite::Database& m_db;
    SQLite::Statement m_device;
    SQLite::Statement m_model;
    std::optional<SQLite::Statement> m_model_batch;  // prepared with the first full batch
    std::vector<QueuedModel> m_queued;
    std::size_t m_queued_count = 0;
};

} // namespace benchstore::store
