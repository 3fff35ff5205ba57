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
    : m_db(db),
      m_device(db, "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, "
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

void MeasurementWriter::queue_model(std::int64_t ref, const std::string& measurements, const std::string& time)
{
    if (m_queued.empty()) m_queued.resize(model_batch_rows);
    QueuedModel& row = m_queued[m_queued_count++];
    row.ref = ref;
    row.measurements = measurements;
    row.time = time;
    if (m_queued_count == model_batch_rows) flush_models();
}

void MeasurementWriter::flush_models()
{
    const std::size_t count = m_queued_count;
    m_queued_count = 0;  // written now, or lost with the caller's transaction if this throws
    if (count < model_batch_rows) {
        // A last, partial batch: row by row, rather than a statement prepared for each size.
        for (std::size_t i = 0; i < count; ++i) insert_model(m_queued[i].ref, m_queued[i].measurements, m_queued[i].time);
        return;
    }
    if (!m_model_batch) {
        std::string sql = "INSERT INTO model_measurements (benchmark_ref, measurements, time) VALUES ";
        for (std::size_t i = 0; i < model_batch_rows; ++i) sql += i ? ", (?, ?, ?)" : "(?, ?, ?)";
        m_model_batch.emplace(m_db, sql);
    }
    int index = 0;
    for (const auto& row : m_queued) {
        m_model_batch->bind(++index, static_cast<int64_t>(row.ref));
        m_model_batch->bindNoCopy(++index, row.measurements);
        m_model_batch->bindNoCopy(++index, row.time);
    }
    exec_once(*m_model_batch);
}

} // namespace benchstore::store
