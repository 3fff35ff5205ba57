// Hooks for benches/speed/python_speed.py: the C++ recorder's own loops, run inside the Python process
// on a recorder the script opened, so the script can interleave them with its Python loops in small
// chunks and every method meets the same disk (a shared machine's fsync times drift by the second).
// The loops are those of benches/speed/recorder_speed.cpp. Not part of the package's API.
#include <chrono>
#include <vector>

#include "benchstore/timestamp.hpp"
#include "bindings.hpp"

namespace benchstore::python {

void register_speed_hooks(py::module_& m)
{
    m.def(
        "_speed_durable_loop",
        [](MetricsRecorder& r, const std::string& id, int first, int rows) {
            py::gil_scoped_release release;
            const auto start = std::chrono::steady_clock::now();
            for (int i = first; i < first + rows; ++i) r.collect_device_measurements(id, 12.5 + i, 2048.0);
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        },
        "Seconds the C++ recorder takes for rows durable one-row calls (values 12.5 + i, 2048).");
    m.def(
        "_speed_batch_loop",
        [](MetricsRecorder& r, const std::string& id, int first, int rows, int batch_size) {
            py::gil_scoped_release release;
            const auto start = std::chrono::steady_clock::now();
            for (int i = first; i < first + rows; i += batch_size) {
                std::vector<DeviceSample> batch(static_cast<std::size_t>(batch_size));
                for (int k = 0; k < batch_size; ++k)
                    batch[static_cast<std::size_t>(k)] = {12.5 + i + k, 2048.0, std::nullopt, std::nullopt, now_utc()};
                r.collect_device_measurements(id, std::span<const DeviceSample>(batch));
            }
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        },
        "Seconds the C++ recorder's batch call takes for rows rows in batches of batch_size.");
}

} // namespace benchstore::python
