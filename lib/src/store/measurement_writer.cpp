#include "store/measurement_writer.hpp"

#include "store/transaction.hpp"

namespace benchstore::store {
namespace {

void bind_optional(SQLite::Statement& st, int index, const std::optional<double>& value)
{
    if (value) st.bind(index, *value);
    else st.bind(index);  // NULL
}

} // namespace

MeasurementWriter::MeasurementWriter(SQLite::Database& db)
    : m_device(db, "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, "
                   "gpu_mem_megabytes, time) VALUES (?, ?, ?, ?, ?, ?)"),
      m_model(db, "INSERT INTO model_measurements (benchmark_ref, measurements, time) VALUES (?, ?, ?)")
{
}

void MeasurementWriter::insert_device(std::int64_t ref, const DeviceRow& row, const std::string& time)
{
    m_device.bind(1, static_cast<int64_t>(ref));
    bind_optional(m_device, 2, row.cpu_util);
    bind_optional(m_device, 3, row.mem_megabytes);
    bind_optional(m_device, 4, row.gpu_util);
    bind_optional(m_device, 5, row.gpu_mem_megabytes);
    m_device.bind(6, time);
    exec_once(m_device);
}

void MeasurementWriter::insert_model(std::int64_t ref, const std::string& measurements, const std::string& time)
{
    m_model.bind(1, static_cast<int64_t>(ref));
    // Not copied (a copy per row costs a malloc): the statement runs, and is reset, before this returns.
    m_model.bindNoCopy(2, measurements);
    m_model.bindNoCopy(3, time);
    exec_once(m_model);
}

} // namespace benchstore::store
