#pragma once
// The one writer of the two measurement tables (device_measurements, model_measurements). The
// recorder and benchstore-import write rows through it, with statements prepared once per
// connection. The caller holds the transaction and has checked the values (finite, names given).
// Internal to the library.
#include <cstdint>
#include <optional>
#include <string>

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

private:
    SQLite::Statement m_device;
    SQLite::Statement m_model;
};

} // namespace benchstore::store
